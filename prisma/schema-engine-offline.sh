#!/bin/sh
# Prisma's CLI wants to download a native schema engine, which this network cannot reach.
# It is pointed here instead: fail loudly so `prisma migrate` never "succeeds" silently.
echo "sweeplab: the native Prisma schema engine is not available offline." >&2
echo "Apply migrations with the app (prisma/migrate.ts); create one with: npm run migrate:new -- <name>" >&2
exit 1
