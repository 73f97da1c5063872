// The policies are server-rendered pages (/privacy, /terms: readable without JavaScript, one source
// of truth); the dashboard's old #/privacy and #/terms links send people there.

export const privacyView = () => {
  location.replace("/privacy");
};

export const termsView = () => {
  location.replace("/terms");
};
