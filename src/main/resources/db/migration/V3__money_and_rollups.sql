-- Money fixed at the sale. Each row carries what its orders sold for and earned, and the category its product was
-- in, by the catalog that validated them: repricing a product applies from the next window on and restates nothing.
-- Rows saved before this migration are priced by the catalog as it stands when it runs, the only prices on record.
-- The facts no longer depend on the catalog: a product deleted after its orders were validated costs no save.
-- Each row also records when its window started, what today's per-minute chart is keyed by; rows saved before this
-- migration did not record it and get their save time.
ALTER TABLE aggregated_sales
    DROP FOREIGN KEY aggregated_sales_platform,
    DROP FOREIGN KEY aggregated_sales_product,
    ADD COLUMN window_start DATETIME(3)   NULL COMMENT 'UTC time the window started' AFTER processed_at,
    ADD COLUMN category_id  INT           NULL AFTER product_id,
    ADD COLUMN total_sales  DECIMAL(33,4) NULL COMMENT 'total_quantity x unit price (cost x (1 + margin)) at the sale',
    ADD COLUMN total_profit DECIMAL(33,4) NULL COMMENT 'total_quantity x cost x margin at the sale';

UPDATE aggregated_sales a
    JOIN dim_product d ON d.product_id = a.product_id
    JOIN dim_category c ON c.category_id = d.category_id
SET a.window_start = a.processed_at,
    a.category_id  = d.category_id,
    a.total_sales  = a.total_quantity * d.cost_price * (1 + c.profit_margin),
    a.total_profit = a.total_quantity * d.cost_price * c.profit_margin;

-- DECIMAL(33,4): a unit price is below 10^10 with 4 decimals (DECIMAL(10,2) x (1 + DECIMAL(3,2))), so no BIGINT
-- quantity can overflow or round it.
ALTER TABLE aggregated_sales
    DROP INDEX aggregated_sales_platform,
    DROP INDEX aggregated_sales_product,
    MODIFY window_start DATETIME(3)   NOT NULL COMMENT 'UTC time the window started',
    MODIFY category_id  INT           NOT NULL,
    MODIFY total_sales  DECIMAL(33,4) NOT NULL COMMENT 'total_quantity x unit price (cost x (1 + margin)) at the sale',
    MODIFY total_profit DECIMAL(33,4) NOT NULL COMMENT 'total_quantity x cost x margin at the sale';

-- The rollups the API and the dashboard read, added to in each window's own transaction: a figure costs a few
-- rows, whatever the number of instances, the hour or the history. Names come from the dimensions when read.
CREATE TABLE daily_sales (
    order_date     DATE          NOT NULL PRIMARY KEY,
    total_quantity BIGINT        NOT NULL,
    total_sales    DECIMAL(33,4) NOT NULL,
    total_profit   DECIMAL(33,4) NOT NULL
);

CREATE TABLE daily_platform_category_sales (
    order_date     DATE          NOT NULL,
    platform_id    INT           NOT NULL,
    category_id    INT           NOT NULL,
    total_quantity BIGINT        NOT NULL,
    total_sales    DECIMAL(33,4) NOT NULL,
    total_profit   DECIMAL(33,4) NOT NULL,
    PRIMARY KEY (order_date, platform_id, category_id)
);

CREATE TABLE daily_product_sales (
    order_date     DATE          NOT NULL,
    product_id     INT           NOT NULL,
    total_quantity BIGINT        NOT NULL,
    total_sales    DECIMAL(33,4) NOT NULL,
    total_profit   DECIMAL(33,4) NOT NULL,
    PRIMARY KEY (order_date, product_id)
);

-- Per order date and the minute the windows started in: today's chart.
CREATE TABLE minute_sales (
    order_date     DATE          NOT NULL,
    window_minute  DATETIME      NOT NULL COMMENT 'UTC minute the windows started in',
    total_quantity BIGINT        NOT NULL,
    total_sales    DECIMAL(33,4) NOT NULL,
    total_profit   DECIMAL(33,4) NOT NULL,
    PRIMARY KEY (order_date, window_minute)
);

INSERT INTO daily_sales
SELECT order_date, SUM(total_quantity), SUM(total_sales), SUM(total_profit)
FROM aggregated_sales GROUP BY order_date;

INSERT INTO daily_platform_category_sales
SELECT order_date, platform_id, category_id, SUM(total_quantity), SUM(total_sales), SUM(total_profit)
FROM aggregated_sales GROUP BY order_date, platform_id, category_id;

INSERT INTO daily_product_sales
SELECT order_date, product_id, SUM(total_quantity), SUM(total_sales), SUM(total_profit)
FROM aggregated_sales GROUP BY order_date, product_id;

INSERT INTO minute_sales
SELECT order_date, DATE_FORMAT(window_start, '%Y-%m-%d %H:%i:00'), SUM(total_quantity), SUM(total_sales), SUM(total_profit)
FROM aggregated_sales GROUP BY order_date, DATE_FORMAT(window_start, '%Y-%m-%d %H:%i:00');

-- The series' analytical view, now over the stored money.
CREATE OR REPLACE VIEW sales_and_profit_today AS
SELECT p.platform_name,
       c.category_name,
       SUM(s.total_sales)  AS total_sales,
       SUM(s.total_profit) AS total_profit
FROM daily_platform_category_sales s
         JOIN dim_platform p ON p.platform_id = s.platform_id
         JOIN dim_category c ON c.category_id = s.category_id
WHERE s.order_date = UTC_DATE()
GROUP BY p.platform_name, c.category_name;
