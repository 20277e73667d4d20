import { PolicyRule } from './kube-crds';

/**
 * RBAC as the stand-in enforces it: a user is either unrestricted (an admin) or holds the rules
 * of a Role, as if bound in every namespace (and nowhere at cluster scope), or of a ClusterRole
 * bound cluster-wide (the controller's ServiceAccount). This is what lets
 * the tests prove that crds/rbac-role.yaml grants everything the store needs, and no more.
 */
export interface StandInUser {
  name: string;
  /** Undefined: everything is allowed. */
  rules?: PolicyRule[];
  /** The rules are a ClusterRole's, bound with a ClusterRoleBinding: they hold across all namespaces too. */
  clusterScope?: boolean;
}

export interface Attributes {
  verb: string;
  group: string;
  /** "subnetpools", or "subnetpools/status" for the subresource. */
  resource: string;
  name?: string;
  /** Undefined for a request across all namespaces (cluster scope). */
  namespace?: string;
}

const matches = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

export function allowed(user: StandInUser, request: Attributes): boolean {
  if (user.rules === undefined) return true;
  // A Role grants nothing at cluster scope.
  if (request.namespace === undefined && user.clusterScope !== true) return false;
  return user.rules.some(
    (rule) =>
      matches(rule.apiGroups, request.group) &&
      matches(rule.resources, request.resource) &&
      matches(rule.verbs, request.verb) &&
      (rule.resourceNames === undefined || (request.name !== undefined && rule.resourceNames.includes(request.name))),
  );
}
