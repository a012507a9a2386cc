import { applyPatch, Operation, validate } from 'fast-json-patch';
import { ApiError } from './status';

type Json = any;

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return patch;
  const result: Json =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Lists the built-in kinds merge by a key rather than replace (the `patchMergeKey`s we use). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  conditions: 'type',
  tolerations: 'key',
};

/**
 * Strategic merge patch for the built-in kinds: a merge patch in which the lists named in
 * MERGE_KEYS merge element by element on their key, and `$patch: delete` removes one.
 */
export function strategicMergePatch(
  target: Json,
  patch: Json,
  field?: string,
): Json {
  if (Array.isArray(patch)) {
    const key = field ? MERGE_KEYS[field] : undefined;
    if (!key || !Array.isArray(target))
      return patch.filter(p => p?.$patch !== 'delete');
    const result = [...target];
    for (const item of patch) {
      const index = result.findIndex(t => t?.[key] === item?.[key]);
      if (item?.$patch === 'delete') {
        if (index >= 0) result.splice(index, 1);
      } else if (index >= 0) {
        result[index] = strategicMergePatch(result[index], item);
      } else {
        result.push(item);
      }
    }
    return result;
  }
  if (patch === null || typeof patch !== 'object') return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const result: Json =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else result[key] = strategicMergePatch(result[key], value, key);
  }
  return result;
}

/** Applies a PATCH body by its content type; the input object is not modified. */
export function applyPatchByType(
  contentType: string,
  target: Json,
  body: Json,
): Json {
  const type = contentType.split(';')[0].trim();
  switch (type) {
    case 'application/merge-patch+json':
      return mergePatch(structuredClone(target), body);
    case 'application/strategic-merge-patch+json':
      return strategicMergePatch(structuredClone(target), body);
    case 'application/json-patch+json': {
      if (!Array.isArray(body)) {
        throw new ApiError(400, 'a JSON patch must be an array of operations');
      }
      const error = validate(body as Operation[], target);
      if (error)
        throw new ApiError(
          422,
          `the JSON patch cannot be applied: ${error.message}`,
          'Invalid',
        );
      try {
        return applyPatch(
          structuredClone(target),
          body as Operation[],
          true,
          false,
        ).newDocument;
      } catch (e) {
        throw new ApiError(
          422,
          `the JSON patch cannot be applied: ${(e as Error).message}`,
          'Invalid',
        );
      }
    }
    default:
      throw new ApiError(
        415,
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
        'UnsupportedMediaType',
      );
  }
}
