CREATE TABLE `case_unread` (
	`user_id` text NOT NULL,
	`case_id` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`user_id`, `case_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- The counters for what is already stored (the same count as `refreshUnreadIn`, unread.ts).
INSERT INTO `case_unread` (`user_id`, `case_id`, `count`)
WITH latest AS (
	SELECT w.reader_id AS user_id, e.case_id, e.object_id, max(e.version) AS version
	FROM case_envelopes e
	INNER JOIN case_wraps w ON w.case_id = e.case_id AND w.object_id = e.object_id
		AND w.version = e.version
	WHERE e.kind IN ('input', 'interim-summary', 'interim-comment')
	GROUP BY w.reader_id, e.case_id, e.kind, e.object_id
),
counted AS (
	SELECT l.user_id, l.case_id, count(DISTINCT CASE WHEN e.kind = 'input'
			THEN 'author ' || e.author_id ELSE 'object ' || e.object_id END) AS n
	FROM latest l
	INNER JOIN case_envelopes e ON e.case_id = l.case_id AND e.object_id = l.object_id
		AND e.version = l.version
	LEFT JOIN case_seen s ON s.user_id = l.user_id AND s.case_id = l.case_id
		AND s.object_id = l.object_id
	WHERE e.deleted = 0 AND e.author_id != l.user_id
		AND (s.version IS NULL OR s.version < e.version)
	GROUP BY l.user_id, l.case_id
	UNION ALL
	SELECT w.reader_id, e.case_id, count(*)
	FROM case_envelopes e
	INNER JOIN case_wraps w ON w.case_id = e.case_id AND w.object_id = e.object_id
		AND w.version = e.version
	LEFT JOIN case_seen s ON s.user_id = w.reader_id AND s.case_id = e.case_id
		AND s.object_id = e.object_id
	WHERE e.kind IN ('conversation', 'relay')
		AND e.deleted = 0 AND e.subject IS NOT NULL AND e.author_id != w.reader_id
		AND (s.version IS NULL OR s.version < e.version)
	GROUP BY w.reader_id, e.case_id
)
SELECT user_id, case_id, sum(n) FROM counted
WHERE user_id IN (SELECT id FROM users)
GROUP BY user_id, case_id HAVING sum(n) > 0;
