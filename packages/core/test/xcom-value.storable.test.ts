// A result (XCom) must survive JSON and the database unchanged, or be refused naming where it
// goes wrong; log text is made storable instead (issue 10, item 6).
import { describe, expect, it } from "vitest";
import { describeNonJsonValue, storableText, unstorableTextReason } from "../src/index.ts";

describe("describeNonJsonValue", () => {
  it.each([
    ["result.when is a Date", { when: new Date(0) }],
    ["result.ratio is NaN, which JSON stores as null", { ratio: NaN }],
    ["result[1] is Infinity", [1, Infinity]],
    ["result.tags is a Set", { tags: new Set(["a"]) }],
    ["result.m is a Map", { m: new Map() }],
    ["result.n is a BigInt", { n: 1n }],
    ["result[1] is undefined", [1, undefined, 3]],
    ["result.text holds a NUL character, which the database cannot store", { text: "a\u0000b" }],
    ["result[1] holds a lone surrogate, which the database cannot store", ["ok", "\ud800"]],
    ["result.deep[0] holds a lone surrogate", { deep: ["\udc00x"] }],
    ["result has a key that holds a NUL character", { "k\u0000": 1 }],
  ])("refuses with %j", (message, value) => {
    expect(describeNonJsonValue(value)).toContain(message);
  });

  it("accepts what JSON and the database keep: finite numbers, text with any well-formed character, nested plain values", () => {
    expect(describeNonJsonValue({ n: 1.5, big: 2 ** 53 - 1, text: "é ✓ 😀 \u0001", list: [null, true, { x: [] }], dropped: undefined })).toBeNull();
    expect(describeNonJsonValue("😀")).toBeNull();
  });
});

describe("storableText", () => {
  it("replaces NUL characters and lone surrogates with U+FFFD and leaves the rest as it is", () => {
    expect(storableText("a\u0000b\u0000")).toBe("a\uFFFDb\uFFFD");
    expect(storableText("x\ud800y\udc00z")).toBe("x\uFFFDy\uFFFDz");
    expect(storableText("ok 😀 é")).toBe("ok 😀 é");
    expect(unstorableTextReason("ok 😀")).toBeNull();
    expect(unstorableTextReason("\ud83d")).toBe("a lone surrogate");
  });
});
