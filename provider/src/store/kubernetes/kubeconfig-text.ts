/**
 * Told apart without loading the Kubernetes client library (an optional peer), so that settings
 * can be read before deciding whether that library is needed at all.
 */
/** Whether a kubeconfig setting is the file's contents rather than its path: a path has no line break. */
export function isKubeconfigContents(value: string): boolean {
  return /[\r\n]/.test(value.trim()) || value.trimStart().startsWith('{');
}
