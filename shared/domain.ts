/** Domain types, inferred from the contract's schemas so there is one definition of each. */
import type { z } from 'zod';
import type {
  AppInfoSchema,
  MediaSchema,
  MessageSchema,
  SchedulePreviewSchema,
  SequenceDetailSchema,
  SequenceSummarySchema,
  SettingsSchema,
} from './contract';

export type Media = z.infer<typeof MediaSchema>;
export type MediaKind = Media['kind'];
export type SequenceSummary = z.infer<typeof SequenceSummarySchema>;
export type Message = z.infer<typeof MessageSchema>;
export type SequenceDetail = z.infer<typeof SequenceDetailSchema>;
export type Settings = z.infer<typeof SettingsSchema>;
export type SchedulePreview = z.infer<typeof SchedulePreviewSchema>;
export type AppInfo = z.infer<typeof AppInfoSchema>;
export type { DelayUnit, ApiError, ApiResult, ErrorCode, TableName } from './contract';
