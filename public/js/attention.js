// A code nobody can miss, even from another tab: the tab's title shows it, the favicon gets a badge,
// and, if the customer turned them on in Settings, a short sound and a browser notification.
import { t } from "./lang.js";
import { getPrefs } from "./prefs.js";
import { session } from "./session.js";

const FAVICON = "/favicon.svg";
// The favicon with a red dot: drawn here so no second file is needed (img-src allows data:).
const BADGED = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2f5bea"/>' +
    '<path d="M9 10h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fff"/>' +
    '<circle cx="25" cy="7" r="7" fill="#d92020" stroke="#fff" stroke-width="2"/></svg>',
)}`;

/** @param {boolean} on */
export const setFaviconBadge = (on) => {
  const link = /** @type {HTMLLinkElement | null} */ (document.querySelector('link[rel="icon"]'));
  if (link) link.href = on ? BADGED : FAVICON;
};

// The badge says "something new since you last looked": looking clears it.
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) setFaviconBadge(false);
});

/** A short two-tone chime from WebAudio: no sound file to download. */
const chime = () => {
  try {
    const audio = new AudioContext();
    for (const [i, freq] of [880, 1320].entries()) {
      const at = audio.currentTime + i * 0.15;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.3);
    }
    setTimeout(() => audio.close(), 1000);
  } catch {
    // No audio device, or the browser refused: the title and the badge still say it.
  }
};

/**
 * Announces a code that has just arrived (not one already there when the screen opened).
 * @param {{ code: string, serviceName: string, phone: string, href: string }} what
 */
export const announceCode = ({ code, serviceName, phone, href }) => {
  document.title = `${code} · ${serviceName} · ${session.config.brandName}`;
  setFaviconBadge(true);
  const prefs = getPrefs();
  if (prefs.sound) chime();
  if (prefs.notify && "Notification" in window && Notification.permission === "granted") {
    const note = new Notification(t("attention.title", { service: serviceName, code }), {
      body: t("attention.body", { phone }),
      tag: href,
    });
    note.addEventListener("click", () => {
      window.focus();
      note.close();
    });
  }
};

/**
 * Asks for permission to notify, only when the customer turns notifications on.
 * @returns {Promise<boolean>} whether notifications may be shown
 */
export const askNotificationPermission = async () => {
  if (!("Notification" in window)) return false;
  if (Notification.permission === "granted") return true;
  if (Notification.permission === "denied") return false;
  return (await Notification.requestPermission()) === "granted";
};
