-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "heldBy" TEXT,
    "tags" TEXT,
    "notes" TEXT,
    "archivedAt" TIMESTAMP(3),
    "project" TEXT NOT NULL DEFAULT 'default',

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
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
    "heartbeatAt" TIMESTAMP(3),
    "stopRequested" BOOLEAN NOT NULL DEFAULT false,
    "rerunOf" TEXT,
    "forkOf" TEXT,
    "forkStep" INTEGER,
    "runGroup" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "ingestSeq" INTEGER,
    "clientSeq" INTEGER,
    "checkpointStep" INTEGER,
    "interruptions" INTEGER,
    "tags" TEXT,
    "notes" TEXT,
    "archivedAt" TIMESTAMP(3),
    "kind" TEXT NOT NULL DEFAULT 'engine',
    "project" TEXT NOT NULL DEFAULT 'default',

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Metric" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION,
    "wallTime" DOUBLE PRECISION NOT NULL,
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "Metric_pkey" PRIMARY KEY ("runId","name","step")
);

-- CreateTable
CREATE TABLE "MetricBucket" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "minStep" INTEGER,
    "minValue" DOUBLE PRECISION,
    "minTime" DOUBLE PRECISION,
    "maxStep" INTEGER,
    "maxValue" DOUBLE PRECISION,
    "maxTime" DOUBLE PRECISION,
    "nanStep" INTEGER,
    "nanTime" DOUBLE PRECISION,

    CONSTRAINT "MetricBucket_pkey" PRIMARY KEY ("runId","name","bucket")
);

-- CreateTable
CREATE TABLE "Sample" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "temperature" DOUBLE PRECISION NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Sample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LogLine" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "step" INTEGER,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LogLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Diagnostic" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "Diagnostic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3),

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Corpus" (
    "name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "chars" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Corpus_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "SavedView" (
    "id" TEXT NOT NULL,
    "project" TEXT NOT NULL,
    "page" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedView_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "Run_project_createdAt_idx" ON "Run"("project", "createdAt");

-- CreateIndex
CREATE INDEX "Metric_seq_idx" ON "Metric"("seq");

-- CreateIndex
CREATE INDEX "Sample_runId_step_idx" ON "Sample"("runId", "step");

-- CreateIndex
CREATE INDEX "LogLine_runId_id_idx" ON "LogLine"("runId", "id");

-- CreateIndex
CREATE INDEX "Diagnostic_runId_kind_step_idx" ON "Diagnostic"("runId", "kind", "step");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_name_key" ON "Agent"("name");

-- CreateIndex
CREATE INDEX "Corpus_sha256_idx" ON "Corpus"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "SavedView_project_page_name_key" ON "SavedView"("project", "page", "name");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Metric" ADD CONSTRAINT "Metric_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricBucket" ADD CONSTRAINT "MetricBucket_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sample" ADD CONSTRAINT "Sample_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LogLine" ADD CONSTRAINT "LogLine_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Diagnostic" ADD CONSTRAINT "Diagnostic_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
