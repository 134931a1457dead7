CREATE TABLE `member_attention` (
	`user_id` text NOT NULL,
	`case_id` text NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`urgent` integer NOT NULL,
	`notices` integer NOT NULL,
	`pending` integer NOT NULL,
	`invite_until` integer,
	`lead_active` integer NOT NULL,
	`unread` integer NOT NULL,
	PRIMARY KEY(`user_id`, `case_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `member_attention_case_idx` ON `member_attention` (`case_id`);
--> statement-breakpoint
-- What the cases list ranks by, per member (schema.ts, memberAttention), kept by triggers:
-- a member's row is made again from its sources when the membership changes; a case's waiting
-- facts are copied to its members' rows whenever case_attention (itself kept by the triggers of
-- 0011) changes; an unread counter is copied to its one row (case_unread's key is the row's,
-- so a deleted counter is 0). The last statement fills the table from what is stored.
CREATE TRIGGER `member_attention_member_insert` AFTER INSERT ON case_members FOR EACH ROW BEGIN
	INSERT OR REPLACE INTO member_attention (user_id, case_id, role, status, created_at, urgent, notices, pending, invite_until, lead_active, unread)
	SELECT NEW.user_id, NEW.case_id, NEW.role, NEW.status, c.created_at, a.urgent, a.notices, a.pending,
		a.invite_until, a.lead_active,
		coalesce((SELECT u.count FROM case_unread u WHERE u.user_id = NEW.user_id AND u.case_id = NEW.case_id), 0)
	FROM cases c INNER JOIN case_attention a ON a.case_id = c.id WHERE c.id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_member_update` AFTER UPDATE OF case_id, user_id, role, status ON case_members FOR EACH ROW BEGIN
	DELETE FROM member_attention WHERE user_id = OLD.user_id AND case_id = OLD.case_id;
	INSERT OR REPLACE INTO member_attention (user_id, case_id, role, status, created_at, urgent, notices, pending, invite_until, lead_active, unread)
	SELECT NEW.user_id, NEW.case_id, NEW.role, NEW.status, c.created_at, a.urgent, a.notices, a.pending,
		a.invite_until, a.lead_active,
		coalesce((SELECT u.count FROM case_unread u WHERE u.user_id = NEW.user_id AND u.case_id = NEW.case_id), 0)
	FROM cases c INNER JOIN case_attention a ON a.case_id = c.id WHERE c.id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_member_delete` AFTER DELETE ON case_members FOR EACH ROW BEGIN
	DELETE FROM member_attention WHERE user_id = OLD.user_id AND case_id = OLD.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_case_attention_insert` AFTER INSERT ON case_attention FOR EACH ROW BEGIN
	UPDATE member_attention SET
		urgent = NEW.urgent,
		notices = NEW.notices,
		pending = NEW.pending,
		invite_until = NEW.invite_until,
		lead_active = NEW.lead_active
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_case_attention_update` AFTER UPDATE OF urgent, notices, pending, invite_until, lead_active ON case_attention FOR EACH ROW
	WHEN NEW.urgent IS NOT OLD.urgent OR NEW.notices IS NOT OLD.notices OR NEW.pending IS NOT OLD.pending
		OR NEW.invite_until IS NOT OLD.invite_until OR NEW.lead_active IS NOT OLD.lead_active BEGIN
	UPDATE member_attention SET
		urgent = NEW.urgent,
		notices = NEW.notices,
		pending = NEW.pending,
		invite_until = NEW.invite_until,
		lead_active = NEW.lead_active
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_case_created` AFTER UPDATE OF created_at ON cases FOR EACH ROW BEGIN
	UPDATE member_attention SET created_at = NEW.created_at WHERE case_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_unread_insert` AFTER INSERT ON case_unread FOR EACH ROW BEGIN
	UPDATE member_attention SET unread = NEW.count WHERE user_id = NEW.user_id AND case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_unread_update` AFTER UPDATE ON case_unread FOR EACH ROW BEGIN
	UPDATE member_attention SET unread = 0 WHERE user_id = OLD.user_id AND case_id = OLD.case_id;
	UPDATE member_attention SET unread = NEW.count WHERE user_id = NEW.user_id AND case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `member_attention_unread_delete` AFTER DELETE ON case_unread FOR EACH ROW BEGIN
	UPDATE member_attention SET unread = 0 WHERE user_id = OLD.user_id AND case_id = OLD.case_id;
END;
--> statement-breakpoint
INSERT INTO member_attention (user_id, case_id, role, status, created_at, urgent, notices, pending, invite_until, lead_active, unread)
SELECT m.user_id, m.case_id, m.role, m.status, c.created_at, a.urgent, a.notices, a.pending,
	a.invite_until, a.lead_active, coalesce(u.count, 0)
FROM case_members m INNER JOIN cases c ON c.id = m.case_id
	INNER JOIN case_attention a ON a.case_id = m.case_id
	LEFT JOIN case_unread u ON u.user_id = m.user_id AND u.case_id = m.case_id;
