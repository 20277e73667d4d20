import { errors } from '../errors';

/**
 * The client libraries of the optional backends (pg for PostgreSQL, @kubernetes/client-node for
 * Kubernetes) are optional peer dependencies: a Pulumi program on the embedded file or the HTTP
 * service does not install them. Loading a backend whose library is missing says which package
 * to install, instead of Node's "Cannot find module".
 */
export const DRIVERS = {
  postgres: { pkg: 'pg', range: '^8.11.0', backend: 'The PostgreSQL backend' },
  kubernetes: { pkg: '@kubernetes/client-node', range: '~1.4.0', backend: 'The Kubernetes backend' },
} as const;

export async function withDriver<T>(driver: keyof typeof DRIVERS, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const { pkg, range, backend } = DRIVERS[driver];
    const error = e as NodeJS.ErrnoException;
    if (error.code === 'MODULE_NOT_FOUND' && error.message.includes(`'${pkg}'`)) {
      throw errors.CONFIG_INVALID({ case: 'driver', backend, pkg, range });
    }
    throw e;
  }
}
