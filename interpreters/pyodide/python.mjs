#!/usr/bin/env node
// python.mjs - Pyodide (CPython compiled to wasm32) under Node.js, run as a
// python executable is:  python.mjs [-c CODE | SCRIPT] [ARG...]
//
// objmem's agent talks to its driver over stdin and stdout and reads its
// files from the host, so this shim gives Python inside the wasm module:
//   - fd 0, 1 and 2 as the Node process's own, unbuffered (a protocol line
//     goes out when Python writes it; stdin is read as Python asks);
//   - the host directories of every absolute path on the command line (the
//     script's folder, workload files, the cache) at the same paths (NODEFS);
//   - the process's environment, but for what would point CPython at host
//     files (PYTHONHOME, PYTHONPATH, HOME);
//   - sys.argv as python would set it, and the exit status of sys.exit or
//     os._exit as the Node process's.
// Run it as the provisioned definition does, with V8's young generation
// fixed (node --min-semi-space-size=1 --max-semi-space-size=1 python.mjs):
// left to grow, it gives about 10 MB back some seconds into a run, which
// reads as objects costing less.
// Nothing is fetched: Pyodide loads from the package folder given by
// OBJMEM_PYODIDE_DIR, or node_modules/pyodide beside this file.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.OBJMEM_PYODIDE_DIR || path.join(here, "node_modules", "pyodide");

function die(message, status = 2) {
  fs.writeSync(2, `python.mjs: error: ${message}\n`);
  process.exit(status);
}

const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === "-h" || argv[0] === "--help") {
  fs.writeSync(argv.length ? 1 : 2,
    "usage: python.mjs [-c CODE | SCRIPT] [ARG...]\n" +
    "Runs Python inside Pyodide (wasm32) under Node.js with the host's stdio.\n" +
    "Pyodide is loaded from $OBJMEM_PYODIDE_DIR or node_modules/pyodide beside this file.\n");
  process.exit(argv.length ? 0 : 2);
}
let code = null, script = null, args;
if (argv[0] === "-c") {
  if (argv.length < 2) die("-c needs an argument");
  code = argv[1];
  args = ["-c", ...argv.slice(2)];
} else {
  script = path.resolve(argv[0]);
  args = [script, ...argv.slice(1)];
}

if (!fs.existsSync(path.join(pkg, "pyodide.mjs")))
  die(`no Pyodide package at ${pkg} (pyodide.mjs is missing): ` +
      "install it with 'npm install pyodide' beside this file or set OBJMEM_PYODIDE_DIR");
const { loadPyodide } = await import(pathToFileURL(path.join(pkg, "pyodide.mjs")).href);

const env = {};
for (const [k, v] of Object.entries(process.env))
  if (!["PYTHONHOME", "PYTHONPATH", "HOME"].includes(k)) env[k] = v;

// Raw stdio: every write goes out at once, whole.
function writer(fd) {
  return {
    write(buffer) {
      let done = 0;
      while (done < buffer.length) {
        try {
          done += fs.writeSync(fd, buffer, done, buffer.length - done);
        } catch (e) {
          if (e.code !== "EAGAIN") throw e;
        }
      }
      return buffer.length;
    },
  };
}
const nap = new Int32Array(new SharedArrayBuffer(4));
function readStdin(buffer) {
  for (;;) {
    try {
      return fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (e) {
      if (e.code === "EOF") return 0;
      if (e.code !== "EAGAIN") throw e;
      Atomics.wait(nap, 0, 0, 10);  // a non-blocking stdin: wait, then again
    }
  }
}

let py;
try {
  py = await loadPyodide({ indexURL: pkg + path.sep, env, checkAPIVersion: true });
} catch (e) {
  die(`Pyodide did not start from ${pkg}: ${e && e.message ? e.message : e}`, 1);
}
// The JavaScript garbage of loading (the wasm binary's bytes, the standard
// library's zip, compiled code) is collected now, and V8's background
// threads are given time to return its pages, so that they do not leave the
// process while Python runs (where they would read as negative growth).
{
  const v8 = await import("node:v8");
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
py.setStdout(writer(1));
py.setStderr(writer(2));
py.setStdin({ read: readStdin });

// The host folders the command line names, mounted where they are.
const mounts = new Set();
for (const a of args) {
  if (!path.isAbsolute(a)) continue;
  let dir = a;
  try {
    if (!fs.statSync(a).isDirectory()) dir = path.dirname(a);
  } catch {
    dir = path.dirname(a);
    if (!fs.existsSync(dir)) continue;
  }
  if (dir !== path.parse(dir).root) mounts.add(dir);  // never over Pyodide's own root
}
for (const dir of [...mounts].sort()) {
  if ([...mounts].some((m) => m !== dir && dir.startsWith(m + path.sep))) continue;
  try {
    py.FS.mkdirTree(dir);
    py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, dir);
  } catch (e) {
    die(`cannot mount ${dir} inside Pyodide: ${e && e.message ? e.message : e}`, 1);
  }
}

py.globals.set("_objmem_argv", py.toPy(args));
if (code !== null) py.globals.set("_objmem_code", code);
let status = 0;
try {
  status = py.runPython(`
import sys, os
sys.argv = list(_objmem_argv)
_code = globals().pop('_objmem_code', None)
del _objmem_argv
def _objmem_main(code):
    try:
        if code is not None:
            exec(compile(code, '<string>', 'exec'), {'__name__': '__main__'})
        else:
            import runpy
            sys.path.insert(0, os.path.dirname(sys.argv[0]))
            runpy.run_path(sys.argv[0], run_name='__main__')
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        sys.stderr.write('%s\\n' % (e.code,))
        return 1
    except BaseException:
        import traceback
        traceback.print_exc()
        return 1
    finally:
        for s in (sys.stdout, sys.stderr):
            try:
                s.flush()
            except Exception:
                pass
    return 0
_objmem_main(_code)
`);
} catch (e) {
  // os._exit() ends the wasm program: Emscripten throws its exit status.
  if (e && typeof e.status === "number") status = e.status;
  else die(`${e && e.message ? e.message : e}`, 1);
}
process.exit(typeof status === "number" ? status : 1);
