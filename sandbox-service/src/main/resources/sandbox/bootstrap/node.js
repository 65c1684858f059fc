// Sandbox bootstrap (trusted, runs before any submitted code): announce readiness with one ACK
// byte, read "<length> <variables>\n", that many NUL-terminated NAME=VALUE environment variables
// (the run's secrets) and <length> bytes of code from stdin synchronously and exactly (the rest of
// stdin belongs to the code), then run the code as the CommonJS module /workspace/main.js.
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
  const [length, variables] = header.split(' ').map((field) => parseInt(field, 10));
  for (let i = 0; i < (variables || 0); i++) {
    const bytes = [];
    while (fs.readSync(0, one, 0, 1, null) === 1 && one[0] !== 0) bytes.push(one[0]);
    const entry = Buffer.from(bytes).toString('utf8');
    const equals = entry.indexOf('=');
    process.env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  const code = Buffer.alloc(length);
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
