// The dashboard's login, as docs/proxy.md expects one (a stand-in for your
// own): nginx asks `GET /auth` (auth_request) whether a request's cookie is
// a live session (204) or not (401); `GET /login` is a form, `POST /login`
// with the right user and password sets the session cookie, `POST /logout`
// ends the session. Sessions live in memory.
//   node tests/system/support/login-app.mjs [port]   (default 9000)
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const PORT = Number(process.argv[2] ?? 9000);
const USER = 'ada';
const PASSWORD = 'lovelace';
const sessions = new Set();

const sessionOf = (req) => /(?:^|;\s*)session=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://login.invalid').pathname;
  if (path === '/auth') {
    res.writeHead(sessions.has(sessionOf(req)) ? 204 : 401).end();
  } else if (path === '/login' && req.method === 'POST') {
    const form = await readForm(req);
    if (form.get('user') !== USER || form.get('password') !== PASSWORD) return res.writeHead(403, { 'Content-Type': 'text/plain' }).end('wrong user or password');
    const session = randomUUID();
    sessions.add(session);
    res.writeHead(303, { Location: '/', 'Set-Cookie': `session=${session}; Path=/; HttpOnly; SameSite=Lax` }).end();
  } else if (path === '/login') {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(
      '<!doctype html><title>Log in</title><form method="post" action="/login">' +
        '<input name="user" aria-label="user"><input name="password" type="password" aria-label="password"><button>Log in</button></form>',
    );
  } else if (path === '/logout' && req.method === 'POST') {
    sessions.delete(sessionOf(req));
    res.writeHead(204, { 'Set-Cookie': 'session=; Path=/; Max-Age=0' }).end();
  } else {
    res.writeHead(404).end();
  }
});

server.listen(PORT, '127.0.0.1', () => console.log(`login app listening on 127.0.0.1:${PORT}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
