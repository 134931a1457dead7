DROP INDEX `case_envelopes_kind_idx`;--> statement-breakpoint
CREATE INDEX `case_envelopes_kind_idx` ON `case_envelopes` (`case_id`,`kind`,`object_id`,`version`,`author_id`,`subject`,`deleted`,`created_at`);--> statement-breakpoint
DROP INDEX `case_wraps_reader_idx`;--> statement-breakpoint
CREATE INDEX `case_wraps_reader_idx` ON `case_wraps` (`reader_id`,`case_id`,`object_id`,`version`);--> statement-breakpoint
CREATE INDEX `case_events_kind_idx` ON `case_events` (`case_id`,`kind`);--> statement-breakpoint
CREATE INDEX `check_ins_case_idx` ON `check_ins` (`case_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `links_open_idx` ON `links` (`expires_at`) WHERE "links"."used_at" is null and "links"."revoked_at" is null;