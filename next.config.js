/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Prisma runtime packages stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/client"],
  poweredByHeader: false,
  // No other site may frame the app (a framed page could be clicked into cancelling a sweep),
  // and no response is sniffed into another type than it says.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
  // The runs table is the home page; /runs (where a W&B user looks for it, and the parent of
  // every /runs/ID) goes there with its query string, rather than to "Page not found".
  async redirects() {
    return [{ source: "/runs", destination: "/", permanent: false }];
  },
  experimental: {
    // proxy.ts runs before every route, and Next keeps a copy of each request body up to this
    // size for the route (and hands it only that much). It must stay above the largest body a
    // route accepts (app/_lib/body.ts LARGEST_BODY, 8 MiB), so that a cut body is always seen
    // as too large (413), never as a shorter valid one.
    proxyClientMaxBodySize: 8 * 1024 * 1024 + 64 * 1024,
  },
  reactStrictMode: true,
};

export default nextConfig;
