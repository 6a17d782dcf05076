// "A 200 means committed" under group commit: every answer leaves only after the commit of the group its request
// may have written in (or read uncommitted data from); a group that failed to commit turns the answer into a 500.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Store } from '../store/index.js';
import { failure } from './envelope.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The store's commit generation when the request arrived (see GroupCommit.generation). */
    commitSince: number;
  }
}

const NOT_COMMITTED = JSON.stringify(failure(-1, '서버 내부 오류가 발생했습니다.'));

async function commitsPlugin(app: FastifyInstance, { store }: { store: Store }): Promise<void> {
  const commits = store.commits;
  app.decorateRequest('commitSince', 0);
  app.addHook('onRequest', (request, _reply, done) => {
    request.commitSince = commits.generation;
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    commits.afterCommit(request.commitSince, (error) => {
      if (!error) return done(null, payload);
      request.log.error({ err: error }, 'commit failed: the answer is not sent as a success');
      reply.code(500).header('content-type', 'application/json; charset=utf-8');
      done(null, NOT_COMMITTED);
    });
  });
  app.addHook('onReady', async () => commits.enable());
  // After the last answer: what is still open is committed before the database closes.
  app.addHook('onClose', async () => commits.disable());
}

export default fp(commitsPlugin, { name: 'iamport-commits' });
