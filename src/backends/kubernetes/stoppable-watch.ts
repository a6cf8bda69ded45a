/**
 * client-node's Watch, made safe for the informers of one server. The informer checks for a stop
 * only before it lists: a start or restart still listing or connecting when stop() came opens its
 * watch afterwards, and that open request keeps the process alive for good. And a watch that
 * fails before its request (a credential plugin that fails) rejects a promise nobody holds, which
 * would end the server. Here a watch opened after the stop is aborted at once, and a failure to
 * open one is told to the informer as the failure of that watch (so it is started again later).
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';

type WatchArguments = Parameters<Watch['watch']>;

export class StoppableWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly stopped: () => boolean,
  ) {
    super(config);
  }

  override async watch(...[path, query, callback, done]: WatchArguments): Promise<AbortController> {
    let request: AbortController;
    try {
      request = await super.watch(path, query, callback, done);
    } catch (error) {
      // Thrown before the request was made, so `done` was not called: the informer learns it here.
      setImmediate(() => done(error));
      return new AbortController();
    }
    if (this.stopped()) request.abort();
    return request;
  }
}
