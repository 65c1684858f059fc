// Progress events on stderr: forwarded as notifications/progress when the call asked for progress.
const progress = (done, total) =>
  process.stderr.write("::prometheus:: " + JSON.stringify({ progress: done, total }) + "\n");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  progress(0, 100);
  await sleep(50);
  progress(50, 100);
  await sleep(50);
  progress(100, 100);
  console.log("Tool with progress executed successfully");
})();
