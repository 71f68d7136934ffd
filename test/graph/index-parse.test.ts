import t from "tap";
import { ProxyTypeError } from "../../src/core/errors.js";
import { isSlice, parseIndexString, slice, type IndexItem } from "../../src/graph/index-parse.js";

const s = (start: number | null, stop: number | null, step: number | null): IndexItem => ({ kind: "slice", start, stop, step });

t.test("slice() builds Python slices", async (t) => {
  t.same(slice(), s(null, null, null));
  t.same(slice(1, 10, 2), s(1, 10, 2));
  t.same(slice(undefined, -1), s(null, -1, null));
  t.same(slice(null, null, -1), s(null, null, -1));
  t.ok(Object.isFrozen(slice(1)));
  t.ok(isSlice(slice(2)));
  t.notOk(isSlice([1, 2]));
  t.notOk(isSlice(null));
  t.throws(() => slice(0, 10, 0), new ProxyTypeError("slice step cannot be zero"));
  t.throws(() => slice(1.5), { name: "ProxyTypeError", message: /slice start must be an integer/ });
});

t.test("the forms of the contract", async (t) => {
  t.same(parseIndexString("[1, 2, 3], :3, ..., None"), [[1, 2, 3], s(null, 3, null), "...", null]);
  t.same(parseIndexString("1:-1:2, ::-1"), [s(1, -1, 2), s(null, null, -1)]);
  t.same(parseIndexString("-1"), [-1]);
  t.same(parseIndexString("[True, False, True]"), [[true, false, true]]);
  t.same(parseIndexString("..., 0"), ["...", 0]);
  t.same(parseIndexString("newaxis"), [null]);
});

t.test("more of Python's syntax", async (t) => {
  const cases: [string, IndexItem[]][] = [
    [":", [s(null, null, null)]],
    ["::", [s(null, null, null)]],
    ["1:", [s(1, null, null)]],
    [":, :, 0", [s(null, null, null), s(null, null, null), 0]],
    ["None:3:None", [s(null, 3, null)]],
    ["np.newaxis, numpy.newaxis", [null, null]],
    ["- 2, +3, --4", [-2, 3, 4]],
    ["1_000", [1000]],
    ["  0 ,\t1\n", [0, 1]],
    ["1,", [1]], // Python's one-item tuple
    ["[-1, 0]", [[-1, 0]]],
    ["[]", [[]]],
    ["[1, 2,]", [[1, 2]]],
    ["[True, 0]", [[1, 0]]], // NumPy makes a mixed list an integer array
    ["...", ["..."]],
  ];
  for (const [src, want] of cases) t.same(parseIndexString(src), want, JSON.stringify(src));
  const [b] = parseIndexString("[False]");
  t.equal(typeof (b as boolean[])[0], "boolean");
});

t.test("errors name the token and its position", async (t) => {
  const bad: [string, RegExp][] = [
    ["", /empty index at position 0/],
    [",", /empty item before "," at position 0/],
    ["1,,2", /empty item before "," at position 2/],
    ["1, , 2", /empty item before "," at position 3/],
    ["[1, 2", /unbalanced "\[" \(never closed\) at position 0/],
    ["0, [1", /unbalanced "\[" \(never closed\) at position 3/],
    ["1]", /unbalanced "\]" with no matching "\[" at position 1/],
    ["]", /unbalanced "\]" .* at position 0/],
    ["..., 1, ...", /a second ellipsis "\.\.\." at position 8; .*single ellipsis \(the first is at position 0\)/],
    ["1.5", /float index 1\.5 at position 0/],
    ["0, 2.", /float index 2\. at position 3/],
    [".5", /float index \.5 at position 0/],
    ["1e3", /float index 1e3 at position 0/],
    ["[1, 2.0]", /float index 2\.0 at position 4/],
    [":1.5", /float index 1\.5 at position 1/],
    ["foo", /unknown name "foo" at position 0/],
    ["1, nan", /unknown name "nan" at position 3/],
    ["[x]", /unknown name "x" at position 1/],
    ["[[1, 2]]", /nested list at position 1/],
    ["[0, [1]]", /nested list at position 4/],
    ["::0", /slice step cannot be zero at position 2/],
    ["1:2:3:4", /too many ":" in a slice at position 5/],
    ["True", /boolean scalar index True at position 0/],
    ["1 2", /unexpected "2" after an index item .* at position 2/],
    ["[1 2]", /unexpected "2" in a list .* at position 3/],
    ["-", /unexpected end of input after sign "-" at position 1/],
    ["-None", /unexpected "None" after sign "-" at position 1/],
    ["(1, 2)", /unexpected character "\(" at position 0/],
    ["a[1]", /unknown name "a" at position 0/],
    ["1 .. 2", /unexpected character "\." at position 2/],
    ["99999999999999999999", /integer 99999999999999999999 is too large at position 0/],
  ];
  for (const [src, message] of bad) {
    t.throws(() => parseIndexString(src), { name: "ProxyTypeError", message }, JSON.stringify(src));
  }
  t.throws(() => parseIndexString("1.5"), ProxyTypeError);
  t.throws(() => parseIndexString("1.5"), { message: /^invalid index string "1\.5": / });
});

t.test("nothing is evaluated", async (t) => {
  t.throws(() => parseIndexString("process.exit(1)"), { message: /unknown name "process.exit" at position 0/ });
  t.throws(() => parseIndexString("__import__('os')"), { message: /unknown name "__import__"/ });
});
