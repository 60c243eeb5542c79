// Starts the service on $PORT (default 8080).
import { makeServer } from './app.js';

const port = Number(process.env.PORT ?? 8080);
const server = makeServer();
server.listen(port, () => {
  console.log(`sample-app listening on :${port}`);
});
// TODO: stop gracefully on SIGTERM once the service keeps state
