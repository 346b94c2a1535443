// STAND-IN engines for the `engines` benchmark, in a process of their own so
// their work does not count as slotpull's: small HTTP servers on 127.0.0.1
// that answer the requests a listing makes (/_ping, /version, the container
// list, image inspects) the way an empty engine with a few containers would,
// at once — or, once told to hang, accept every request and never answer.
// They are not engines and are named as what they are: stand-ins.
import { createServer } from 'node:http';
import { serveCommands } from './child.mjs';

const COUNT = Number(process.env.STAND_INS ?? 16);
/** Images a stand-in has; every other reference is missing. */
const PRESENT = /\/present-\d+:/;
/** Containers each stand-in lists (created, never started). */
const CONTAINERS = Number(process.env.STAND_IN_CONTAINERS ?? 5);

const engines = [];
for (let index = 0; index < COUNT; index += 1) {
  const engine = { index, hanging: false, held: new Set(), sockets: new Set() };
  const containers = JSON.stringify(
    Array.from({ length: CONTAINERS }, (_, i) => ({ Id: `c${index}-${i}`, Names: [`/slot-e${String(index + 4).padStart(2, '0')}-s${String(i).padStart(3, '0')}`], State: 'created', Status: 'Created' })),
  );
  engine.server = createServer((req, res) => {
    if (engine.hanging) {
      engine.held.add(res);
      res.on('close', () => engine.held.delete(res));
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/_ping') return void res.end('OK');
    if (req.url === '/version') return void res.end(JSON.stringify({ Version: 'stand-in', ApiVersion: '1.41', Components: [{ Name: 'Engine' }] }));
    if (req.url.startsWith('/containers/json')) return void res.end(containers);
    if (req.url.startsWith('/images/')) {
      res.statusCode = PRESENT.test(decodeURIComponent(req.url)) ? 200 : 404;
      return void res.end(res.statusCode === 200 ? '{"Id":"sha256:stand-in"}' : '{"message":"No such image"}');
    }
    res.statusCode = 404;
    res.end('{"message":"not a stand-in route"}');
  });
  engine.server.on('connection', (socket) => {
    engine.sockets.add(socket);
    socket.on('close', () => engine.sockets.delete(socket));
  });
  await new Promise((resolve) => engine.server.listen(0, '127.0.0.1', resolve));
  engine.port = engine.server.address().port;
  engines.push(engine);
}

serveCommands(
  {
    /** Starts or stops hanging; stopping drops the requests it held (as a restarted engine would). */
    hang({ index, on }) {
      const engine = engines[index];
      engine.hanging = on;
      if (!on) for (const res of engine.held) res.destroy();
      return { held: engine.held.size };
    },
    held({ index }) {
      return engines[index].held.size;
    },
  },
  { ports: engines.map((engine) => engine.port) },
);
