// vanilla-cookieconsent v3 configuration (the site's own file; the library is vendored under /vendor).
CookieConsent.run({
  categories: { necessary: { enabled: true, readOnly: true }, analytics: {} },
  language: {
    default: "en",
    translations: {
      en: {
        consentModal: {
          title: "We use cookies",
          description: "We use cookies for analytics and to show you relevant ads. You can accept or reject them.",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          showPreferencesBtn: "Manage preferences",
        },
        preferencesModal: {
          title: "Cookie preferences",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          savePreferencesBtn: "Save preferences",
          sections: [
            { title: "Strictly necessary", linkedCategory: "necessary" },
            { title: "Analytics", linkedCategory: "analytics" },
          ],
        },
      },
    },
  },
});
