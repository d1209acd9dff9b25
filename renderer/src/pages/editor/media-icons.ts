/** The icon shown for each kind of attachment (message list, preview and the attachment field). */
import type { MediaKind } from '../../../../shared/domain';
import type { IconName } from '../../components/Icon';

export const MEDIA_KIND_ICONS: Record<MediaKind, IconName> = { image: 'image', video: 'video', audio: 'audio', document: 'document' };
