-- The reference series' snowflake around the fact table: platforms, categories with their margin, products with
-- their cost. The margin is relative to cost: selling price = cost_price * (1 + profit_margin).
CREATE TABLE dim_platform (
    platform_id   INT         NOT NULL PRIMARY KEY,
    platform_name VARCHAR(64) NOT NULL
);

CREATE TABLE dim_category (
    category_id   INT          NOT NULL PRIMARY KEY,
    category_name VARCHAR(64)  NOT NULL,
    profit_margin DECIMAL(3,2) NOT NULL
);

CREATE TABLE dim_product (
    product_id   INT           NOT NULL PRIMARY KEY,
    product_name VARCHAR(128)  NOT NULL,
    cost_price   DECIMAL(10,2) NOT NULL,
    category_id  INT           NOT NULL,
    CONSTRAINT dim_product_category FOREIGN KEY (category_id) REFERENCES dim_category (category_id)
);

INSERT INTO dim_platform (platform_id, platform_name) VALUES
    (1, 'MarketPlaceX'), (2, 'EasyShop'), (3, 'BuyNow'), (4, 'SwiftMart');

INSERT INTO dim_category (category_id, category_name, profit_margin) VALUES
    (1, 'Jewelry', 0.25), (2, 'Shoes', 0.20), (3, 'Clothing', 0.15), (4, 'Personal Care', 0.10);

INSERT INTO dim_product (product_id, product_name, cost_price, category_id) VALUES
    (1, 'Diamond Ring', 1000.00, 1), (2, 'Gold Necklace', 800.00, 1), (3, 'Silver Bracelet', 150.00, 1),
    (4, 'Leather Boots', 210.00, 2), (5, 'Sports Shoes', 130.00, 2), (6, 'High Heels', 80.00, 2),
    (7, 'T-Shirt', 25.00, 3), (8, 'Jeans', 50.00, 3), (9, 'Dress', 90.00, 3),
    (10, 'Shampoo', 10.00, 4), (11, 'Soap', 5.00, 4), (12, 'Moisturizer', 15.00, 4),
    (13, 'Gold Earrings', 220.00, 1), (14, 'Titanium Bracelet', 120.00, 1), (15, 'Hiking Boots', 140.00, 2),
    (16, 'Sandals', 40.00, 2), (17, 'Trousers', 70.00, 3), (18, 'Skirt', 40.00, 3),
    (19, 'Sunscreen', 20.00, 4), (20, 'Hand Lotion', 10.00, 4);

ALTER TABLE aggregated_sales
    ADD CONSTRAINT aggregated_sales_platform FOREIGN KEY (platform_id) REFERENCES dim_platform (platform_id),
    ADD CONSTRAINT aggregated_sales_product FOREIGN KEY (product_id) REFERENCES dim_product (product_id);

-- The series' analytical view: sales and profit of today's (UTC) orders per platform and category, over all windows.
CREATE VIEW sales_and_profit_today AS
SELECT p.platform_name,
       c.category_name,
       SUM(a.total_quantity * d.cost_price * (1 + c.profit_margin)) AS total_sales,
       SUM(a.total_quantity * d.cost_price * c.profit_margin)       AS total_profit
FROM aggregated_sales a
         JOIN dim_platform p ON p.platform_id = a.platform_id
         JOIN dim_product d ON d.product_id = a.product_id
         JOIN dim_category c ON c.category_id = d.category_id
WHERE a.order_date = UTC_DATE()
GROUP BY p.platform_name, c.category_name;
