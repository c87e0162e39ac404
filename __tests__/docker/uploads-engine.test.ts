/**
 * Files into read-only containers on the real Docker engine (e2e/uploads.ts): the seeder →
 * read-only volume → read-only service path of HardenedContainer.addFile, and the regression it
 * fixes (an upload into a read-only container is refused: "container rootfs is marked read-only").
 *
 * Runs when an engine answers on /var/run/docker.sock and the webapp stand-in image is built
 * (bash e2e/images/build.sh); otherwise it skips LOUDLY with the reason. In CI the engine starts
 * only for the e2e (.ci/run → e2e/engine.sh), so CI runs the same check from e2e/run.ts.
 */
import { checkUploads, engineAnswers, synthUploadsStack, uploadMode, uploadTar } from "../../e2e/uploads";

describe("uploads on the real engine (e2e/uploads.ts)", () => {
  test("seeder uploads reach the read-only service; uploads into a read-only container are refused", async () => {
    const engine = await engineAnswers();
    if (!engine.ok) {
      // eslint-disable-next-line no-console
      console.warn(`\n${"!".repeat(72)}\n!!! UPLOADS ENGINE TEST SKIPPED: ${engine.detail}.\n!!! Nothing about files in read-only containers was proven on an engine by this run\n!!! (the e2e runs it: sudo npm run e2e).\n${"!".repeat(72)}`);
      return;
    }
    const results = await checkUploads();
    // eslint-disable-next-line no-console
    console.log(`uploads on ${engine.detail}:\n${results.map((r) => `${r.ok ? "PASS" : "FAIL"} ${r.check}: ${r.detail}`).join("\n")}`);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(9);
  }, 180_000);

  test("the tar of an upload is what the provider writes: one entry named `file`, mode from permissions, else executable", () => {
    const tar = uploadTar("/etc/probe/app.yml", "a: 1\n", 0o444);
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(0, 18).toString()).toBe("/etc/probe/app.yml");
    expect(tar.subarray(100, 107).toString()).toBe("0000444");
    expect(tar.subarray(512, 517).toString()).toBe("a: 1\n");
    expect([uploadMode({ permissions: "0440", executable: true }), uploadMode({ executable: true }), uploadMode({})]).toEqual([0o440, 0o744, 0o644]);
  });

  test("the check's stack: two files in one config directory, the secret as a variable reference", () => {
    const json = synthUploadsStack();
    const seeder = json.resource.docker_container.uploads_probe_config;
    expect(seeder.upload.map((u: Record<string, string>) => [u.file, u.content])).toEqual([
      ["/etc/probe/app.yml", "greeting: hello 1\nliteral: $${not_a_reference} %%{ if x }\n"],
      ["/etc/probe/secrets/token", "token=${var.probe_token}\n"],
    ]);
    expect(json.variable.probe_token.sensitive).toBe(true);
  });
});
