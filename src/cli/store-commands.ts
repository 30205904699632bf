/**
 * `reverie store create|list|show|export|import`: memory stores, and folders of memory files in and out
 * (write-then-rename through the service's folder writer; files reverie did not write are kept).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readMemoryFolder, storeSummaries, toLayout, writeMemoryFolder } from '../service/index.js';
import { layoutOption } from './import-options.js';
import { table } from './output.js';
import type { CliContext } from './program.js';

/** Registers the `store` command and its subcommands on `program`. */
export function registerStoreCommands(program: Command, ctx: CliContext): void {
  const store = program.command('store').description('memory stores');
  storeCreateCommand(store, ctx);
  storeListCommand(store, ctx);
  storeShowCommand(store, ctx);
  storeExportCommand(store, ctx);
  storeImportCommand(store, ctx);
}

/** `store create <name> [--from DIR]`: a memory store, optionally loaded from a folder. */
function storeCreateCommand(store: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  store
    .command('create')
    .argument('<name>', 'store name (1–255 chars)')
    .option('--description <text>', 'description (≤ 1,024 chars)')
    .option('--from <dir>', 'load memories from this folder')
    .option('--json', 'print JSON')
    .description('create a memory store')
    .action(async (name: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const files = o.from ? await readMemoryFolder(o.from) : null; // fails before the store is created
        const s = await svc.createStore({ name, description: o.description });
        const loaded = files ? await svc.importFolder(s.id, o.from, undefined, files) : [];
        if (g.json) return printJson({ ...s, imported: loaded.length });
        io.out(`${s.id}\t${s.name}${o.from ? `\t${loaded.length} memories from ${o.from}` : ''}\n`);
      });
    });
}

/** `store list`: stores with their memory counts. */
function storeListCommand(store: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  store
    .command('list')
    .description('list memory stores')
    .option('--archived', 'include archived stores')
    .option('--json', 'print JSON')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        if (g.json) return printJson(await svc.listStores({ include_archived: o.archived, limit: 1000 }));
        const rows = (await storeSummaries(svc, { include_archived: o.archived })).map(
          ({ store: s, memories }) => [s.id, s.name, memories, s.created_at],
        );
        io.out(rows.length ? table(['id', 'name', 'memories', 'created_at'], rows) : 'no memory stores\n');
      });
    });
}

/** `store show <store>`: a store and its memories. */
function storeShowCommand(store: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  store
    .command('show')
    .argument('<store>', 'store id')
    .option('--path-prefix <prefix>', 'only paths under this prefix (ends with /)')
    .option('--json', 'print JSON')
    .description('show a store and its memories')
    .action(async (id: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const s = await svc.getStore(id);
        const mems = (await svc.snapshot(id)).filter((m) => !o.pathPrefix || m.path.startsWith(o.pathPrefix));
        if (g.json) return printJson({ ...s, memories: mems.map((m) => ({ ...m, content: undefined })) });
        io.out(`${s.id}  ${s.name}\n${s.description ? `${s.description}\n` : ''}${mems.length} memories\n\n`);
        io.out(
          table(
            ['path', 'bytes', 'updated_at'],
            mems.map((m) => [m.path, m.content_size_bytes, m.updated_at]),
          ),
        );
      });
    });
}

/** `store export <store> <dir>`: a store written as a folder of files. */
function storeExportCommand(store: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  store
    .command('export')
    .argument('<store>', 'store id')
    .argument('<dir>', 'folder to write (files reverie did not write are kept; refuses to overwrite them)')
    .option('--force', 'write into a non-empty folder not written by reverie (its files are still kept)')
    .addOption(layoutOption())
    .option('--json', 'print JSON')
    .description('write a store as a folder of files (MEMORY.md + topic files)')
    .action(async (id: string, dir: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const mems = await svc.snapshot(id);
        await writeMemoryFolder(
          resolve(dir),
          toLayout(
            mems.map((m) => ({ path: m.path, content: m.content! })),
            o.layout,
          ),
          {},
          { force: o.force },
        );
        if (g.json) return printJson({ memory_store_id: id, dir: resolve(dir), files: mems.length });
        io.out(`Wrote ${mems.length} memories to ${resolve(dir)}\n`);
      });
    });
}

/** `store import <dir>`: a folder of files loaded into a store. */
function storeImportCommand(store: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  store
    .command('import')
    .argument('<dir>', 'folder of memory files')
    .option('--store <id>', 'import into this store (default: create one named after the folder)')
    .option('--name <name>', 'name of the new store')
    .option('--json', 'print JSON')
    .description('load a folder of files into a store (new paths created, changed ones modified)')
    .action(async (dir: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const files = await readMemoryFolder(dir); // a bad folder fails before a store is created
        const id = o.store ?? (await svc.createStore({ name: o.name ?? resolve(dir).split('/').pop()! })).id;
        const res = await svc.importFolder(id, dir, undefined, files);
        if (g.json) return printJson({ memory_store_id: id, results: res });
        const c = { created: 0, modified: 0, unchanged: 0 };
        for (const r of res) c[r.status]++;
        io.out(`${id}: ${c.created} created, ${c.modified} modified, ${c.unchanged} unchanged\n`);
      });
    });
}
