import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { describe, it } from 'node:test';
import { drawRanges, ephemeralRange, freePorts } from '../../environment/free-ports.ts';

const listenOn = (port: number) =>
  new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });

describe('free ports', () => {
  it('are drawn around the ephemeral range, never inside it', () => {
    assert.deepEqual(drawRanges([32_768, 60_999]), [
      [10_000, 32_767],
      [61_000, 65_535],
    ]);
    assert.deepEqual(drawRanges([1_024, 65_535]), []);
    assert.deepEqual(drawRanges([5_000, 60_999]), [[61_000, 65_535]]);
    assert.deepEqual(drawRanges(undefined), [[10_000, 32_767]], 'not Linux: below every usual default');
  });

  it('hands out distinct ports outside the range this kernel reports, that a server can listen on', async () => {
    const range = ephemeralRange();
    const ports = await freePorts(30);
    assert.equal(new Set(ports).size, 30);
    for (const port of ports) {
      assert.ok(port >= 10_000 && port <= 65_535, `${port}`);
      if (range) assert.ok(port < range[0] || port > range[1], `${port} is inside the ephemeral range ${range.join('–')}`);
      assert.equal(await listenOn(port), undefined);
    }
  });

  it('names the ephemeral range when it leaves nothing to draw from', async () => {
    await assert.rejects(freePorts(1, [1_024, 65_535]), /the kernel's ephemeral range 1024–65535 \(\/proc\/sys\/net\/ipv4\/ip_local_port_range\)/);
  });

  it('avoids the hazard it exists for: a port an outgoing connection holds as its source cannot be listened on', async (t) => {
    const range = ephemeralRange();
    if (!range) return t.skip('no /proc/sys/net/ipv4/ip_local_port_range here');
    const [port] = await freePorts(1);
    const server = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const client = connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    try {
      const source = client.localPort!;
      assert.ok(source >= range[0] && source <= range[1], `the kernel gave source port ${source}, outside ${range.join('–')}`);
      assert.equal((await listenOn(source))?.code, 'EADDRINUSE');
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
