// Sandbox bootstrap (trusted, runs before any submitted code): announce readiness with one ACK
// byte, read "<length>\n<code>" from stdin synchronously and exactly (the rest of stdin belongs
// to the code), then run the code as the CommonJS module /workspace/main.js.
(() => {
  const fs = require('fs');
  const Module = require('module');
  fs.writeSync(1, '\x06');
  const one = Buffer.alloc(1);
  let header = '';
  for (;;) {
    if (fs.readSync(0, one, 0, 1, null) === 0) process.exit(0);
    if (one[0] === 10) break;
    header += String.fromCharCode(one[0]);
  }
  const code = Buffer.alloc(parseInt(header, 10));
  let filled = 0;
  while (filled < code.length) {
    const read = fs.readSync(0, code, filled, code.length - filled, null);
    if (read === 0) break;
    filled += read;
  }
  const file = process.cwd() + '/main.js';
  const main = new Module(file, null);
  main.filename = file;
  main.paths = Module._nodeModulePaths(process.cwd());
  process.argv[1] = file;
  main._compile(code.toString('utf8', 0, filled), file);
})();
