CREATE TABLE `conversation_unread` (
	`user_id` text NOT NULL,
	`case_id` text NOT NULL,
	`subject` text NOT NULL,
	`count` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `case_id`, `subject`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- The counters for what is already stored (the same count as `refreshUnreadIn`, unread.ts).
INSERT INTO `conversation_unread` (`user_id`, `case_id`, `subject`, `count`, `last_at`)
SELECT w.reader_id, e.case_id, e.subject,
	sum(s.version IS NULL OR s.version < e.version), max(e.created_at)
FROM case_envelopes e
INNER JOIN case_wraps w ON w.case_id = e.case_id AND w.object_id = e.object_id
	AND w.version = e.version
LEFT JOIN case_seen s ON s.user_id = w.reader_id AND s.case_id = e.case_id
	AND s.object_id = e.object_id
WHERE e.kind IN ('conversation', 'relay')
	AND e.deleted = 0 AND e.subject IS NOT NULL AND e.author_id != w.reader_id
GROUP BY w.reader_id, e.case_id, e.subject;
