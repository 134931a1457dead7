CREATE TABLE `case_attention` (
	`case_id` text PRIMARY KEY NOT NULL,
	`urgent` integer DEFAULT 0 NOT NULL,
	`notices` integer DEFAULT 0 NOT NULL,
	`pending` integer DEFAULT 0 NOT NULL,
	`invite_until` integer,
	`lead_active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `case_members_user_idx`;--> statement-breakpoint
CREATE INDEX `case_members_user_status_idx` ON `case_members` (`user_id`,`status`,`case_id`,`role`);--> statement-breakpoint
CREATE INDEX `cases_lead_idx` ON `cases` (`lead_id`);
--> statement-breakpoint
-- What each case has waiting, kept by triggers (schema.ts, caseAttention): every trigger
-- recounts the facts it can change from the rows themselves, for the case whose rows changed.
-- Safety signals are the URGENT kinds of case-notices.ts.
CREATE TRIGGER `case_attention_case_insert` AFTER INSERT ON cases FOR EACH ROW BEGIN
	INSERT INTO case_attention (case_id, urgent, notices, pending, invite_until, lead_active)
	SELECT NEW.id,
		(SELECT count(*) FROM case_notices n WHERE n.case_id = NEW.id AND n.seen_at IS NULL AND n.kind IN ('talk', 'unsafe')),
		(SELECT count(*) FROM case_notices n WHERE n.case_id = NEW.id AND n.seen_at IS NULL AND n.kind NOT IN ('talk', 'unsafe')),
		(SELECT count(*) FROM case_pending p WHERE p.case_id = NEW.id),
		(SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = NEW.id AND l.used_at IS NULL AND l.revoked_at IS NULL),
		EXISTS (SELECT 1 FROM cases c INNER JOIN users u ON u.id = c.lead_id WHERE c.id = NEW.id AND u.status = 'active');
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_case_lead` AFTER UPDATE OF lead_id ON cases FOR EACH ROW BEGIN
	UPDATE case_attention SET
		lead_active = EXISTS (SELECT 1 FROM cases c INNER JOIN users u ON u.id = c.lead_id WHERE c.id = NEW.id AND u.status = 'active')
	WHERE case_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_notice_insert` AFTER INSERT ON case_notices FOR EACH ROW BEGIN
	UPDATE case_attention SET
		urgent = (SELECT count(*) FROM case_notices n WHERE n.case_id = NEW.case_id AND n.seen_at IS NULL AND n.kind IN ('talk', 'unsafe')),
		notices = (SELECT count(*) FROM case_notices n WHERE n.case_id = NEW.case_id AND n.seen_at IS NULL AND n.kind NOT IN ('talk', 'unsafe'))
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_notice_update` AFTER UPDATE OF case_id, kind, seen_at ON case_notices FOR EACH ROW BEGIN
	UPDATE case_attention SET
		urgent = (SELECT count(*) FROM case_notices n WHERE n.case_id = OLD.case_id AND n.seen_at IS NULL AND n.kind IN ('talk', 'unsafe')),
		notices = (SELECT count(*) FROM case_notices n WHERE n.case_id = OLD.case_id AND n.seen_at IS NULL AND n.kind NOT IN ('talk', 'unsafe'))
	WHERE case_id = OLD.case_id;
	UPDATE case_attention SET
		urgent = (SELECT count(*) FROM case_notices n WHERE n.case_id = NEW.case_id AND n.seen_at IS NULL AND n.kind IN ('talk', 'unsafe')),
		notices = (SELECT count(*) FROM case_notices n WHERE n.case_id = NEW.case_id AND n.seen_at IS NULL AND n.kind NOT IN ('talk', 'unsafe'))
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_notice_delete` AFTER DELETE ON case_notices FOR EACH ROW BEGIN
	UPDATE case_attention SET
		urgent = (SELECT count(*) FROM case_notices n WHERE n.case_id = OLD.case_id AND n.seen_at IS NULL AND n.kind IN ('talk', 'unsafe')),
		notices = (SELECT count(*) FROM case_notices n WHERE n.case_id = OLD.case_id AND n.seen_at IS NULL AND n.kind NOT IN ('talk', 'unsafe'))
	WHERE case_id = OLD.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_pending_insert` AFTER INSERT ON case_pending FOR EACH ROW BEGIN
	UPDATE case_attention SET
		pending = (SELECT count(*) FROM case_pending p WHERE p.case_id = NEW.case_id)
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_pending_update` AFTER UPDATE OF case_id ON case_pending FOR EACH ROW BEGIN
	UPDATE case_attention SET
		pending = (SELECT count(*) FROM case_pending p WHERE p.case_id = OLD.case_id)
	WHERE case_id = OLD.case_id;
	UPDATE case_attention SET
		pending = (SELECT count(*) FROM case_pending p WHERE p.case_id = NEW.case_id)
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_pending_delete` AFTER DELETE ON case_pending FOR EACH ROW BEGIN
	UPDATE case_attention SET
		pending = (SELECT count(*) FROM case_pending p WHERE p.case_id = OLD.case_id)
	WHERE case_id = OLD.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_invite_insert` AFTER INSERT ON case_invites FOR EACH ROW BEGIN
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = NEW.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_invite_update` AFTER UPDATE OF case_id, link_id ON case_invites FOR EACH ROW BEGIN
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = OLD.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = OLD.case_id;
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = NEW.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = NEW.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_invite_delete` AFTER DELETE ON case_invites FOR EACH ROW BEGIN
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = OLD.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = OLD.case_id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_link_insert` AFTER INSERT ON links FOR EACH ROW BEGIN
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = case_attention.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = (SELECT ci.case_id FROM case_invites ci WHERE ci.link_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_link_update` AFTER UPDATE OF expires_at, used_at, revoked_at ON links FOR EACH ROW BEGIN
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = case_attention.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = (SELECT ci.case_id FROM case_invites ci WHERE ci.link_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_link_delete` AFTER DELETE ON links FOR EACH ROW BEGIN
	UPDATE case_attention SET
		invite_until = (SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = case_attention.case_id AND l.used_at IS NULL AND l.revoked_at IS NULL)
	WHERE case_id = (SELECT ci.case_id FROM case_invites ci WHERE ci.link_id = OLD.id);
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_user_insert` AFTER INSERT ON users FOR EACH ROW BEGIN
	UPDATE case_attention SET
		lead_active = EXISTS (SELECT 1 FROM cases c INNER JOIN users u ON u.id = c.lead_id WHERE c.id = case_attention.case_id AND u.status = 'active')
	WHERE case_id IN (SELECT c.id FROM cases c WHERE c.lead_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_user_update` AFTER UPDATE OF id, status ON users FOR EACH ROW BEGIN
	UPDATE case_attention SET
		lead_active = EXISTS (SELECT 1 FROM cases c INNER JOIN users u ON u.id = c.lead_id WHERE c.id = case_attention.case_id AND u.status = 'active')
	WHERE case_id IN (SELECT c.id FROM cases c WHERE c.lead_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `case_attention_user_delete` AFTER DELETE ON users FOR EACH ROW BEGIN
	UPDATE case_attention SET
		lead_active = EXISTS (SELECT 1 FROM cases c INNER JOIN users u ON u.id = c.lead_id WHERE c.id = case_attention.case_id AND u.status = 'active')
	WHERE case_id IN (SELECT c.id FROM cases c WHERE c.lead_id = OLD.id);
END;
--> statement-breakpoint
-- The facts for the cases already stored.
INSERT INTO case_attention (case_id, urgent, notices, pending, invite_until, lead_active)
SELECT cases.id,
	(SELECT count(*) FROM case_notices n WHERE n.case_id = cases.id AND n.seen_at IS NULL AND n.kind IN ('talk', 'unsafe')),
	(SELECT count(*) FROM case_notices n WHERE n.case_id = cases.id AND n.seen_at IS NULL AND n.kind NOT IN ('talk', 'unsafe')),
	(SELECT count(*) FROM case_pending p WHERE p.case_id = cases.id),
	(SELECT max(l.expires_at) FROM case_invites ci INNER JOIN links l ON l.id = ci.link_id WHERE ci.case_id = cases.id AND l.used_at IS NULL AND l.revoked_at IS NULL),
	EXISTS (SELECT 1 FROM cases c INNER JOIN users u ON u.id = c.lead_id WHERE c.id = cases.id AND u.status = 'active')
FROM cases;
