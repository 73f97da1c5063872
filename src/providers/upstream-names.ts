// Our catalog's codes (sms-activate's service codes and numeric country ids) and the words other
// upstreams use for the same things. One table per upstream family; a code missing here is simply
// not offered through that upstream.

/**
 * 5sim names countries and products in words (https://5sim.net/docs, "countries" and "products");
 * the SMSHUB agent protocol's Appendix 1 uses the same words for these countries.
 */
export const FIVESIM_COUNTRY: Record<number, string> = {
  0: "russia",
  1: "ukraine",
  2: "kazakhstan",
  4: "philippines",
  6: "indonesia",
  7: "malaysia",
  10: "vietnam",
  15: "poland",
  16: "england",
  22: "india",
  36: "canada",
  43: "germany",
  48: "netherlands",
  56: "spain",
  73: "brazil",
  78: "france",
  86: "italy",
  187: "usa",
};

export const FIVESIM_PRODUCT: Record<string, string> = {
  tg: "telegram",
  wa: "whatsapp",
  go: "google",
  fb: "facebook",
  ig: "instagram",
  tw: "twitter",
  ds: "discord",
  vi: "viber",
  wb: "wechat",
  am: "amazon",
  mm: "microsoft",
  lf: "tiktok",
  ub: "uber",
  wx: "apple",
  ts: "paypal",
  nf: "netflix",
  oi: "tinder",
  mt: "steam",
  vk: "vkontakte",
  ok: "odnoklassniki",
  ya: "yandex",
  ot: "other",
};

export const FIVESIM_COUNTRY_ID = new Map(
  Object.entries(FIVESIM_COUNTRY).map(([id, word]) => [word, Number(id)]),
);
export const FIVESIM_SERVICE_CODE = new Map(
  Object.entries(FIVESIM_PRODUCT).map(([code, word]) => [word, code]),
);

/**
 * sms-activate-protocol upstreams use sms-activate's own codes, which are ours; a profile whose
 * upstream spells one differently lists it here (ours → theirs).
 */
export const SMS_ACTIVATE_SERVICE_OVERRIDES: Record<string, Record<string, string>> = {};
