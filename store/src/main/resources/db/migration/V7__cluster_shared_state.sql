-- Several nodes on one database (issue 18, docs/cluster-shared-state.md). Portable SQL: the same file migrates H2 and
-- PostgreSQL; a single node works as before.

-- The outbox's delivery lease: the node attempting an event writes its id and when its claim runs out in one
-- conditional UPDATE, so no two nodes attempt one event (or, as only a room's oldest pending event is offered, one
-- room) at once. A node that dies mid-delivery leaves its claim, which others take once claimed_until has passed.
ALTER TABLE callback_outbox ADD COLUMN claimed_by VARCHAR(64);
-- Epoch milliseconds; null when unclaimed.
ALTER TABLE callback_outbox ADD COLUMN claimed_until BIGINT;

-- Named row locks that serialize a step across the nodes (SELECT ... FOR UPDATE, held until the transaction ends;
-- portable, where PostgreSQL's advisory locks are not):
-- 'callback_append': appends of all nodes commit one after another, in the order of their seq, so a sender never
--   sees a room's later event while an earlier one of another node's transaction is still invisible;
-- 'first_app': nodes starting at once on an empty database create one default app, not one each.
CREATE TABLE store_lock (
    name VARCHAR(64) NOT NULL,
    CONSTRAINT store_lock_pk PRIMARY KEY (name)
);
INSERT INTO store_lock (name) VALUES ('callback_append');
INSERT INTO store_lock (name) VALUES ('first_app');

-- Presence is each node's own: a node starting after a crash closes the rooms and members it left, not those that
-- live nodes hold. Rows from before this migration belong to '' (a single node closes them all).
ALTER TABLE callback_presence ADD COLUMN node_id VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE callback_presence DROP CONSTRAINT callback_presence_pk;
ALTER TABLE callback_presence ADD CONSTRAINT callback_presence_pk PRIMARY KEY (sdk_app_id, room_key, user_id, node_id);

-- The node that runs a cloud recording task (cluster.nodeId); null for tasks from before this migration, which the
-- next node to start takes over.
ALTER TABLE cloud_recording ADD COLUMN node_id VARCHAR(64);

-- The node that recorded a room's life and a member's stay: a node starting after a crash ends its own open rooms
-- and stays, not those of live nodes. Null for rows from before this migration (a single node ends them all).
ALTER TABLE history_room ADD COLUMN node_id VARCHAR(64);
ALTER TABLE history_member ADD COLUMN node_id VARCHAR(64);
