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
import type {
  ContactDetailSchema,
  ContactListItemSchema,
  ContactSchema,
  ImportProgressSchema,
  ImportResultSchema,
  SubscriberDetailSchema,
  SubscriberSchema,
  TimelineEntrySchema,
} from './schemas/people';

export type Media = z.infer<typeof MediaSchema>;
export type MediaKind = Media['kind'];
export type SequenceSummary = z.infer<typeof SequenceSummarySchema>;
export type Message = z.infer<typeof MessageSchema>;
export type SequenceDetail = z.infer<typeof SequenceDetailSchema>;
export type Settings = z.infer<typeof SettingsSchema>;
export type SchedulePreview = z.infer<typeof SchedulePreviewSchema>;
export type AppInfo = z.infer<typeof AppInfoSchema>;

export type Contact = z.infer<typeof ContactSchema>;
export type ContactDetail = z.infer<typeof ContactDetailSchema>;
export type ContactListItem = z.infer<typeof ContactListItemSchema>;
export type Subscriber = z.infer<typeof SubscriberSchema>;
export type SubscriberDetail = z.infer<typeof SubscriberDetailSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type ImportResult = z.infer<typeof ImportResultSchema>;
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export type { DelayUnit, ApiError, ApiResult, ErrorCode, TableName } from './contract';
export type { SubscriptionStatus } from './schemas/people';

import type {
  ChannelStatusSchema,
  DeliverySchema,
  EngineStatusSchema,
  SendingSettingsSchema,
  SmsGateStatusSchema,
} from './schemas/delivery';
export type SendingSettings = z.infer<typeof SendingSettingsSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
export type EngineStatus = z.infer<typeof EngineStatusSchema>;
export type ChannelStatusInfo = z.infer<typeof ChannelStatusSchema>;
export type SmsGateStatus = z.infer<typeof SmsGateStatusSchema>;
export type { ChannelIdName } from './schemas/delivery';

import type {
  SmsProviderConfigSchema,
  SmsProviderStatusSchema,
  WebhookReceiverStatusSchema,
  WhatsAppSettingsSchema,
  WhatsAppStatusSchema,
  SendTestMessageResultSchema,
} from './schemas/channels';
export type WhatsAppStatus = z.infer<typeof WhatsAppStatusSchema>;
export type WhatsAppState = WhatsAppStatus['state'];
export type WhatsAppSettings = z.infer<typeof WhatsAppSettingsSchema>;
export type SmsProviderConfig = z.infer<typeof SmsProviderConfigSchema>;
export type SmsProviderStatus = z.infer<typeof SmsProviderStatusSchema>;
export type WebhookReceiverStatus = z.infer<typeof WebhookReceiverStatusSchema>;
export type SendTestMessageResult = z.infer<typeof SendTestMessageResultSchema>;

import type { InboundActionSchema, InboundMessageSchema, InboundSettingsSchema } from './schemas/inbound';
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
export type InboundAction = z.infer<typeof InboundActionSchema>;
export type InboundSettings = z.infer<typeof InboundSettingsSchema>;
