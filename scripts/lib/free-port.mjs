// A loopback port nobody listens on right now, picked by the OS (listen on port 0): the test suites
// and the bench never hard-code one, since other servers may be running.
import { createServer } from "node:net";

/** @returns {Promise<number>} */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
