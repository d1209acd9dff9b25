/**
 * Native notifications whose click opens a page of the app. Each shown notification is kept
 * referenced until it is clicked or closed: Electron drops the click handler of one that was
 * garbage-collected. Where the system has no notifications (some Linux desktops), nothing is
 * shown and the message goes to the log instead.
 */
import type { Logger } from '../core/logger';
import type { ElectronApi, ShellNotification } from './electron-api';
import type { ShellRoute } from './routes';

export interface Notice {
  title: string;
  body: string;
  /** The page a click opens; without one a click just opens the window. */
  route?: ShellRoute;
}

export interface NotifierOptions {
  api: Pick<ElectronApi, 'notificationsSupported' | 'createNotification' | 'imageFromPath'>;
  open: (route?: ShellRoute) => void;
  logger: Logger;
  iconPath?: string;
}

export class Notifier {
  private readonly live = new Set<ShellNotification>();

  constructor(private readonly options: NotifierOptions) {}

  show(notice: Notice): void {
    const { api, logger, iconPath } = this.options;
    if (!api.notificationsSupported()) {
      logger.info('Notification not shown (none on this system)', { title: notice.title, body: notice.body });
      return;
    }
    const notification = api.createNotification({
      title: notice.title,
      body: notice.body,
      ...(iconPath === undefined ? {} : { icon: api.imageFromPath(iconPath) }),
    });
    this.live.add(notification);
    notification.on('click', () => {
      this.live.delete(notification);
      this.options.open(notice.route);
    });
    notification.on('close', () => this.live.delete(notification));
    notification.show();
  }
}
