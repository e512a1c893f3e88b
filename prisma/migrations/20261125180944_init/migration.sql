-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "rawConfig" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "metricName" TEXT NOT NULL,
    "metricGoal" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'running',
    "stateReason" TEXT,
    "concurrency" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "runCap" INTEGER,
    "proposed" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "sweepId" TEXT,
    "index" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "config" TEXT NOT NULL,
    "params" TEXT NOT NULL DEFAULT '{}',
    "summary" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "divergedAt" INTEGER,
    "lastStep" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "pid" INTEGER,
    "heartbeatAt" DATETIME,
    "stopRequested" BOOLEAN NOT NULL DEFAULT false,
    "rerunOf" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Metric" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "value" REAL,
    "wallTime" REAL NOT NULL,

    PRIMARY KEY ("runId", "name", "step"),
    CONSTRAINT "Metric_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MetricBucket" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "minStep" INTEGER,
    "minValue" REAL,
    "minTime" REAL,
    "maxStep" INTEGER,
    "maxValue" REAL,
    "maxTime" REAL,
    "nanStep" INTEGER,
    "nanTime" REAL,

    PRIMARY KEY ("runId", "name", "bucket"),
    CONSTRAINT "MetricBucket_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Sample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "temperature" REAL NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Sample_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LogLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "step" INTEGER,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,
    "time" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LogLine_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Diagnostic" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    CONSTRAINT "Diagnostic_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Sweep_createdAt_idx" ON "Sweep"("createdAt");

-- CreateIndex
CREATE INDEX "Run_sweepId_state_idx" ON "Run"("sweepId", "state");

-- CreateIndex
CREATE INDEX "Run_state_createdAt_idx" ON "Run"("state", "createdAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "Sample_runId_step_idx" ON "Sample"("runId", "step");

-- CreateIndex
CREATE INDEX "LogLine_runId_id_idx" ON "LogLine"("runId", "id");

-- CreateIndex
CREATE INDEX "Diagnostic_runId_kind_step_idx" ON "Diagnostic"("runId", "kind", "step");
