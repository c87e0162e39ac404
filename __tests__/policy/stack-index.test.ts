import fc from "fast-check";
import { buildStackIndex } from "../../policy/stack-index";

const JSON_DOC = {
  resource: {
    docker_image: { app: { name: "ghcr.io/example/app:1.2.3" }, "a-b": { name: "redis:7.4" } },
    docker_network: { backnet: { name: "koha-backnet", internal: true } },
    docker_volume: { data: { name: "${docker_network.backnet.name}" } },
  },
  data: { docker_image: { app: { name: "from-data:1" } } },
  variable: { x: { default: "v" } },
  module: { m: { source: "./m" } },
};

describe("resolveString", () => {
  const index = () => buildStackIndex("s", "s.tf.json", JSON_DOC);

  test.each([
    ["${docker_image.app.image_id}", "ghcr.io/example/app:1.2.3"],
    ["${docker_image.app.name}", "ghcr.io/example/app:1.2.3"],
    ["${docker_image.a-b.id}", "redis:7.4"],
    ["${docker_network.backnet.name}", "koha-backnet"],
    ["${docker_volume.data.name}", "koha-backnet"], // a reference to a reference
    ["${data.docker_image.app.name}", "from-data:1"],
    ["${docker_image.gone.image_id}", null],
    ["${docker_network.backnet.internal}", null], // not a string
    ["${var.x}", null],
    ["${var.x.y}", null],
    ["${each.value.x}", null],
    ["${module.m.out}", null],
    ["${docker_image.app.image_id}-suffix", null], // an expression, not one reference
    ["plain", "plain"],
  ])("%s → %p", (value, expected) => {
    expect(index().resolveString(value)).toBe(expected);
  });

  test("property: the fast path for `${type.name.attribute}` agrees with the general parser", () => {
    const word = fc.constantFrom(
      "docker_image", "docker_network", "docker_volume", "app", "a-b", "backnet", "data", "var", "local", "module",
      "each", "count", "self", "path", "terraform", "value", "x", "y", "name", "id", "image_id", "internal", "gone", "1x", "_u",
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
        const value = `\${${words.join(".")}}`;
        // A leading space never takes the fast path (the general one trims it): an oracle.
        expect(index().resolveString(value)).toBe(index().resolveString(` ${value}`));
      }),
      { numRuns: 500 },
    );
  });
});
