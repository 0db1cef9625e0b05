-- One row per (order_date, platform_id, product_id) per processing window that had orders for it.
CREATE TABLE aggregated_sales (
    processing_id  BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    processed_at   DATETIME(3) NOT NULL COMMENT 'UTC time the window was flushed',
    order_date     DATE        NOT NULL COMMENT 'UTC date of the orders',
    platform_id    INT         NOT NULL,
    product_id     INT         NOT NULL,
    total_quantity BIGINT      NOT NULL,
    KEY aggregated_sales_by_day (order_date, product_id, platform_id)
);

-- Next Kafka offset per partition, written in the same transaction as the aggregates it accounts for.
CREATE TABLE consumed_offsets (
    consumer_group VARCHAR(255) NOT NULL,
    topic          VARCHAR(249) NOT NULL,
    partition_id   INT          NOT NULL,
    next_offset    BIGINT       NOT NULL,
    PRIMARY KEY (consumer_group, topic, partition_id)
);

-- Order ids are handed out in blocks reserved here, so they never repeat across restarts or generators.
CREATE TABLE order_id_sequence (
    name    VARCHAR(64) NOT NULL PRIMARY KEY,
    next_id BIGINT      NOT NULL
);
INSERT INTO order_id_sequence (name, next_id) VALUES ('order_id', 1);
