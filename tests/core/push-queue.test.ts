import { describe, expect, it, vi } from 'vitest';
import { PushQueue } from '../../server/core/push-queue.ts';

const DONE = { value: undefined, done: true };
const value = <T>(v: T) => ({ value: v, done: false });

/** Every value a for-await loop reads, and the error it ends with (null: it ended). */
async function drain<T>(queue: PushQueue<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const v of queue) values.push(v);
  } catch (error) {
    return { values, error };
  }
  return { values, error: null };
}

describe('PushQueue', () => {
  describe('values', () => {
    it('keeps values pushed before iteration, in order', async () => {
      const queue = new PushQueue<string>();
      queue.push('a');
      queue.push('b');
      queue.end();
      expect(await drain(queue)).toEqual({ values: ['a', 'b'], error: null });
    });

    it('hands a push to a next() already waiting', async () => {
      const queue = new PushQueue<number>();
      const waiting = queue.next();
      queue.push(1);
      expect(await waiting).toEqual(value(1));
    });

    it('serves several waiting next() calls in order, and ends the rest', async () => {
      const queue = new PushQueue<number>();
      const first = queue.next();
      const second = queue.next();
      const third = queue.next();
      queue.push(1);
      queue.push(2);
      queue.end();
      expect(await Promise.all([first, second, third])).toEqual([value(1), value(2), DONE]);
    });

    it('tells onTake of each value as the consumer receives it, queued or handed over', async () => {
      const onTake = vi.fn();
      const queue = new PushQueue<string>({ onTake });
      queue.push('queued');
      expect(onTake).not.toHaveBeenCalled();
      await queue.next();
      expect(onTake).toHaveBeenLastCalledWith('queued');
      const waiting = queue.next();
      queue.push('handed');
      expect(onTake).toHaveBeenLastCalledWith('handed');
      await waiting;
      expect(onTake).toHaveBeenCalledTimes(2);
    });
  });

  describe('end and fail', () => {
    it('ends after the values pushed before, and stays done', async () => {
      const queue = new PushQueue<string>();
      queue.push('a');
      queue.end();
      expect(await queue.next()).toEqual(value('a'));
      expect(await queue.next()).toEqual(DONE);
      expect(await queue.next()).toEqual(DONE);
    });

    it('throws a failure once, after the values pushed before, and is done afterwards', async () => {
      const queue = new PushQueue<string>();
      const failure = new Error('exit status 1');
      queue.push('a');
      queue.fail(failure);
      expect(await queue.next()).toEqual(value('a'));
      await expect(queue.next()).rejects.toBe(failure);
      expect(await queue.next()).toEqual(DONE);
    });

    it('rejects a waiting next() with the failure, and ends the others', async () => {
      const queue = new PushQueue<string>();
      const failure = new Error('boom');
      const first = queue.next();
      const second = queue.next();
      queue.fail(failure);
      await expect(first).rejects.toBe(failure);
      expect(await second).toEqual(DONE);
    });

    it('lets a for-await loop read every value, then throw the failure', async () => {
      const queue = new PushQueue<number>();
      const read = drain(queue);
      queue.push(1);
      queue.push(2);
      queue.fail(new Error('gone'));
      expect(await read).toEqual({ values: [1, 2], error: new Error('gone') });
    });

    it('counts the first of end and fail: an end after a fail, or a fail after an end, is ignored', async () => {
      const failed = new PushQueue<string>();
      failed.fail(new Error('first'));
      failed.end();
      await expect(failed.next()).rejects.toThrow('first');

      const ended = new PushQueue<string>();
      ended.end();
      ended.fail(new Error('late'));
      expect(await ended.next()).toEqual(DONE);
    });

    it('ignores values pushed after the end', async () => {
      const queue = new PushQueue<string>();
      queue.push('a');
      queue.end();
      queue.push('late');
      expect(await drain(queue)).toEqual({ values: ['a'], error: null });
    });
  });

  describe('discard', () => {
    it('drops the values not taken and those pushed later, and still ends only with end()', async () => {
      const onTake = vi.fn();
      const queue = new PushQueue<string>({ onTake });
      queue.push('a');
      queue.discard();
      queue.push('b');
      const waiting = queue.next();
      let settled = false;
      void waiting.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      queue.end();
      expect(await waiting).toEqual(DONE);
      expect(onTake).not.toHaveBeenCalled();
    });
  });

  describe('return (the consumer stops)', () => {
    it('releases everything when a consumer stops early: values dropped, producer told once, later pushes ignored', async () => {
      const onReturn = vi.fn();
      const queue = new PushQueue<number>({ onReturn });
      queue.push(1);
      queue.push(2);
      queue.push(3);
      for await (const v of queue) {
        expect(v).toBe(1);
        break;
      }
      expect(onReturn).toHaveBeenCalledTimes(1);
      queue.push(4);
      queue.end();
      queue.fail(new Error('late'));
      expect(await queue.next()).toEqual(DONE);
      expect(onReturn).toHaveBeenCalledTimes(1);
    });

    it('settles after the producer has stopped', async () => {
      let stopped: () => void = () => {};
      const queue = new PushQueue<number>({ onReturn: () => new Promise<void>((resolve) => (stopped = resolve)) });
      let returned = false;
      const returning = queue.return().then((result) => {
        returned = true;
        return result;
      });
      await Promise.resolve();
      expect(returned).toBe(false);
      stopped();
      expect(await returning).toEqual(DONE);
    });

    it('ends a next() waiting when it is called', async () => {
      const queue = new PushQueue<number>();
      const waiting = queue.next();
      await queue.return();
      expect(await waiting).toEqual(DONE);
    });

    it('does not tell a producer that has ended already, and drops a failure not yet thrown', async () => {
      const onReturn = vi.fn();
      const queue = new PushQueue<number>({ onReturn });
      queue.push(1);
      queue.fail(new Error('never seen'));
      expect(await queue.return()).toEqual(DONE);
      expect(onReturn).not.toHaveBeenCalled();
      expect(await queue.next()).toEqual(DONE);
    });
  });

  it('is its own async iterator', () => {
    const queue = new PushQueue<number>();
    expect(queue[Symbol.asyncIterator]()).toBe(queue);
  });
});
