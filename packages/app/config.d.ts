export interface Config {
  auth?: {
    providers?: {
      /**
       * The sandbox sign-in (development only): the sign-in page offers these users of
       * the catalog, and the backend's `sandbox` provider signs in as the one picked.
       */
      sandbox?: {
        /**
         * User entities (namespace default) by name, each with a title for the page.
         * @deepVisibility frontend
         */
        users?: Array<{ name: string; title?: string }>;
        /** Allow it where NODE_ENV is not development. Never with real users. */
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
    };
  };
}
