import t from "tap";
import { promote, promoteWeak, fitsIn } from "../../src/core/dtype.js";

t.test("strong promotion follows NumPy's table", async (t) => {
  t.equal(promote("uint8", "int8"), "int16");
  t.equal(promote("uint32", "int32"), "int64");
  t.equal(promote("uint64", "int64"), "float64");
  t.equal(promote("int16", "float32"), "float32");
  t.equal(promote("int32", "float32"), "float64");
  t.equal(promote("bool", "uint16"), "uint16");
});

t.test("weak scalars (NEP 50)", async (t) => {
  t.equal(promoteWeak("uint8", "int"), "uint8");
  t.equal(promoteWeak("int32", "float"), "float64");
  t.equal(promoteWeak("float32", "float"), "float32");
  t.equal(promoteWeak("bool", "int"), "int64");
  t.notOk(fitsIn("uint8", 300));
  t.ok(fitsIn("int8", -128));
});
