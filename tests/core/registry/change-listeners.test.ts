import { describe, expect, it } from 'vitest';
import { ChangeListeners } from '../../../server/core/registry/change-listeners.ts';

describe('ChangeListeners', () => {
  it('tells the listeners of the key that changed, and no others', () => {
    const listeners = new ChangeListeners<string>();
    const heard: string[] = [];
    listeners.watch(['a', 'b'], (key) => heard.push(`first:${key}`));
    listeners.watch(['b'], (key) => heard.push(`second:${key}`));
    listeners.notify('b');
    listeners.notify('a');
    listeners.notify('c');
    expect(heard).toEqual(['first:b', 'second:b', 'first:a']);
  });

  it('counts a key named twice once, and its way out works once', () => {
    const listeners = new ChangeListeners<string>();
    const other = listeners.watch(['a'], () => {});
    const stop = listeners.watch(['a', 'a', 'b'], () => {});
    expect(listeners.count).toBe(3);
    stop();
    stop();
    expect(listeners.count).toBe(1);
    other();
    expect(listeners.count).toBe(0);
  });

  it('still tells, this once, a listener that another one removed during the same change', () => {
    const listeners = new ChangeListeners<string>();
    const heard: string[] = [];
    let stopSecond = (): void => {};
    listeners.watch(['a'], () => {
      heard.push('first');
      stopSecond();
    });
    stopSecond = listeners.watch(['a'], () => heard.push('second'));
    listeners.notify('a');
    listeners.notify('a');
    expect(heard).toEqual(['first', 'second', 'first']);
  });
});
