// Fault points: named places between the steps of ordering and settling where a test can make the
// code fail (or act), to prove that an interruption at any of them leaves money and state right.
// Only tests arm them (test/crash); in production the map stays empty and a point costs one lookup.
// In the Workers test pool the tests, the Worker and its Durable Objects share one module instance,
// so a point armed by a test fires inside the request or the room it drives.

export type FaultPoint =
  | "order.afterHold"
  | "order.afterAcquire"
  | "order.afterInsert"
  | "order.afterStart"
  | "order.beforeCleanup"
  | "settle.afterAlarm"
  | "settle.afterWrite"
  | "settle.afterHold"
  | "settle.afterProvider"
  | "erase.afterChecks"
  | "erase.afterBatch";

type Action = () => void | Promise<void>;

const armed = new Map<FaultPoint, Action>();

/** An error a fault point throws, standing in for a crash at that point. */
export class InjectedFault extends Error {
  constructor(readonly point: FaultPoint) {
    super(`injected fault at ${point}`);
  }
}

/** Fires once: throws InjectedFault at `point`, or runs `action` there instead. */
export const armFault = (point: FaultPoint, action?: Action): void => {
  armed.set(
    point,
    action ??
      (() => {
        throw new InjectedFault(point);
      }),
  );
};

export const disarmFaults = (): void => armed.clear();

/** A place where a test may inject a failure; nothing at all happens unless one was armed. */
export const faultPoint = (point: FaultPoint): void | Promise<void> => {
  if (armed.size === 0) return;
  const action = armed.get(point);
  if (!action) return;
  armed.delete(point);
  return action();
};
