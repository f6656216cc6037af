-- Cloud recording tasks (issue 17): CreateCloudRecording, DescribeCloudRecording, ModifyCloudRecording,
-- DeleteCloudRecording. Portable SQL: the same file migrates H2 and PostgreSQL. Times are epoch milliseconds.
-- A task is written when it is created and updated when its subscription changes or it ends; a task still 'running'
-- when a server starts was cut short by a crash and is resumed (docs/recording.md). Its files are not rows: they are
-- listed from the recording storage, under the task's own directory.
CREATE TABLE cloud_recording (
    task_id     VARCHAR(64)   NOT NULL,
    sdk_app_id  BIGINT        NOT NULL,
    -- r{roomID} or s:{strRoomID}, as RoomRef.key() spells it.
    room_key    VARCHAR(80)   NOT NULL,
    -- The request's UserId: the recorder's identity in the room.
    user_id     VARCHAR(128)  NOT NULL,
    -- The task's RecordParams as JSON text, with TRTC's field names, defaults filled in.
    params      VARCHAR(8000) NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    created_ms  BIGINT        NOT NULL,
    -- Null while running.
    ended_ms    BIGINT,
    end_reason  VARCHAR(512),
    CONSTRAINT cloud_recording_pk PRIMARY KEY (task_id),
    CONSTRAINT cloud_recording_state CHECK (state IN ('running', 'exited'))
);
-- The running tasks at start-up, and an app's tasks.
CREATE INDEX cloud_recording_state_app ON cloud_recording (state, sdk_app_id);
