// The live stream of one activation over a WebSocket. The page already holds the activation up to some
// event number, so it always connects with `?after=<that seq>`: the server replays what came after,
// then sends each new event. When the connection drops it comes back with exponential backoff and
// the newer seq, so nothing is missed or applied twice. While it is down, a long-poll of
// `/wait?since=<seq>` stands in for it, so an SMS during the outage still shows within seconds.
import { api } from "./api.js";

const HEARTBEAT_MS = 25_000;
const MAX_BACKOFF_MS = 15_000;
const STABLE_MS = 5_000;
// Short enough that a socket back up soon takes over; each answer comes the moment anything happens.
const POLL_WAIT_SECONDS = 10;
const POLL_RETRY_MS = 3_000;
const ENDED = new Set(["finished", "cancelled", "expired"]);

/**
 * @typedef {"connecting" | "live" | "reconnecting"} LiveState
 * @param {string} id
 * @param {{ signal: AbortSignal, lastSeq: () => number, onSnapshot: (activation: any) => void,
 *   onEvent: (event: any) => void, onState: (state: LiveState) => void }} handlers
 *   `lastSeq` is the newest event the page has applied: every (re)connection asks for what follows it.
 */
export const watchActivation = (id, { signal, lastSeq, onSnapshot, onEvent, onState }) => {
  let attempt = 0;
  /** @type {WebSocket | null} */
  let socket = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let heartbeat;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  /** @type {AbortController | null} the long-poll running while the socket is down */
  let poll = null;

  const isOpen = () => socket?.readyState === WebSocket.OPEN;

  const pollWhileDown = async () => {
    if (poll || signal.aborted) return;
    const controller = new AbortController();
    poll = controller;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    while (!controller.signal.aborted && !isOpen()) {
      try {
        const answer = await api.get(
          `/api/v1/activations/${encodeURIComponent(id)}/wait?since=${lastSeq()}&timeout=${POLL_WAIT_SECONDS}`,
          { signal: controller.signal },
        );
        for (const event of answer.events) onEvent(event);
        onSnapshot(answer.activation);
        if (ENDED.has(answer.activation.status)) break;
      } catch (err) {
        if (controller.signal.aborted) break;
        const status = /** @type {{ status?: number }} */ (err).status;
        if (status === 401 || status === 404) break;
        await new Promise((r) => setTimeout(r, POLL_RETRY_MS));
      }
    }
    if (poll === controller) poll = null;
  };
  const stopPolling = () => {
    poll?.abort();
    poll = null;
  };

  /** @param {any} message */
  const handle = (message) => {
    if (message?.type === "snapshot" && message.activation) onSnapshot(message.activation);
    else if (message?.type === "event" && message.event) onEvent(message.event);
  };

  const connect = () => {
    if (signal.aborted) return;
    onState(attempt === 0 ? "connecting" : "reconnecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(
      `${scheme}//${location.host}/api/v1/activations/${encodeURIComponent(id)}/live?after=${lastSeq()}`,
    );
    socket = ws;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let stable;
    ws.addEventListener("open", () => {
      stopPolling();
      onState("live");
      // Only a connection that stays up resets the backoff; one that opens and drops keeps backing off.
      stable = setTimeout(() => {
        attempt = 0;
      }, STABLE_MS);
      // The server answers "ping" with "pong" without waking up; it keeps proxies from idling us out.
      heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), HEARTBEAT_MS);
    });
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string" || event.data === "pong") return;
      try {
        handle(JSON.parse(event.data));
      } catch {
        // A frame we do not understand is not worth breaking the card for.
      }
    });
    ws.addEventListener("close", () => {
      clearInterval(heartbeat);
      clearTimeout(stable);
      if (signal.aborted || socket !== ws) return;
      scheduleReconnect();
    });
  };

  const scheduleReconnect = () => {
    onState("reconnecting");
    pollWhileDown();
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
    attempt += 1;
    retry = setTimeout(connect, base / 2 + Math.random() * (base / 2));
  };

  // Back online or back in the foreground: try now instead of waiting out the backoff.
  const reconnectNow = () => {
    if (
      signal.aborted ||
      socket?.readyState === WebSocket.OPEN ||
      socket?.readyState === WebSocket.CONNECTING
    )
      return;
    clearTimeout(retry);
    connect();
  };
  window.addEventListener("online", reconnectNow, { signal });
  document.addEventListener("visibilitychange", () => document.hidden || reconnectNow(), { signal });

  signal.addEventListener("abort", () => {
    clearTimeout(retry);
    clearInterval(heartbeat);
    socket?.close(1000, "closed by the page");
  });
  connect();
};
