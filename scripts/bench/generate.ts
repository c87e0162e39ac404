/** Synthetic policy-benchmark stacks cloned from the reference stacks' containers. */
export type Json = Record<string, any>;

/**
 * A stack of `count` containers cloned from the reference stacks' containers.
 *
 * Clones are made a reference stack at a time: copy g of a stack renames every container, image and
 * volume of that stack with the same suffix `_g` (names `-g`), so what links its containers stays
 * linked in the copy, as in a real stack: a config seeder and its service share one volume, backup
 * containers mount their datastore's volume, and containers of one image share one docker_image.
 * (Cloning container by container with a suffix each broke those links: seeders fed nothing.) The
 * last copy is cut short to reach `count`.
 */
export function generateStack(templates: Json[], count: number): Json {
  const resource: Json = { docker_network: {}, docker_image: {}, docker_volume: {}, docker_container: {} };
  const base = templates[0];
  const terraform = base.terraform;
  for (const t of templates) Object.assign(resource.docker_network, t.resource.docker_network ?? {});
  const units: Array<{ json: Json; name: string }> = [];
  for (const t of templates) for (const name of Object.keys(t.resource.docker_container ?? {})) units.push({ json: t, name });
  for (let i = 0; i < count; i++) {
    const { json, name } = units[i % units.length];
    const copy = Math.floor(i / units.length);
    const suffix = `_${copy}`;
    const rename = (text: string) => text.replace(/\$\{(docker_(?:image|volume|container))\.([\w-]+)\./g, (_m, type, n) => `\${${type}.${n}${suffix}.`);
    const c = JSON.parse(rename(JSON.stringify(json.resource.docker_container[name])));
    c.name = `${c.name}-${copy}`;
    resource.docker_container[`${name}${suffix}`] = c;
    const imgRef = /docker_image\.([\w-]+)\./.exec(c.image);
    if (imgRef) resource.docker_image[imgRef[1]] = json.resource.docker_image[imgRef[1].slice(0, -suffix.length)];
    for (const v of [...(c.volumes ?? []), ...(c.mounts ?? [])]) {
      const volRef = /docker_volume\.([\w-]+)\./.exec(v.volume_name ?? v.source ?? "");
      if (volRef && !resource.docker_volume[volRef[1]]) {
        const vol = { ...json.resource.docker_volume[volRef[1].slice(0, -suffix.length)] };
        vol.name = `${vol.name}-${copy}`;
        resource.docker_volume[volRef[1]] = vol;
      }
    }
  }
  return { terraform, provider: base.provider, resource };
}
