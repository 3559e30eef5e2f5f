/** The file, inside each bare repository, listing protected refs for the pre-receive hook. */
export const PROTECTION_FILE = "local-github-protection";

/**
 * The pre-receive hook installed in every bare repository. It enforces branch protection on
 * `git push` as GitHub does (GH006), from rules the server writes to `PROTECTION_FILE`, one line per
 * protected ref: `<ref> <blocked operations: update,force,delete> <enforce_admins 0|1> <allowed pushers>
 * <why an update is refused: pull-request|restricted>`.
 * The server tells it who is pushing through LOCAL_GITHUB_PUSHER and LOCAL_GITHUB_PUSHER_ADMIN, and
 * sets LOCAL_GITHUB_WORKFLOWS_DENIED=1 for an App without the `workflows` permission: such a push
 * may not add or change anything under `.github/workflows/`, as on GitHub.
 */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
zero=0000000000000000000000000000000000000000
input=$(cat)
if [ "$LOCAL_GITHUB_WORKFLOWS_DENIED" = 1 ]; then
  while read -r old new ref; do
    [ -n "$new" ] && [ "$new" != "$zero" ] || continue
    workflow=$(git log --format= --name-only "$new" --not --all | grep '^\\.github/workflows/' | head -n 1)
    if [ -n "$workflow" ]; then
      echo "refusing to allow a GitHub App to create or update workflow \\\`$workflow\\\` without \\\`workflows\\\` permission" >&2
      exit 1
    fi
  done <<INPUT
$input
INPUT
fi
rules="\${GIT_DIR:-.}/${PROTECTION_FILE}"
[ -s "$rules" ] || exit 0
refused=0
while read -r old new ref; do
  [ -n "$ref" ] || continue
  line=$(awk -v r="$ref" '$1 == r { print; exit }' "$rules")
  [ -n "$line" ] || continue
  set -- $line
  ops=$2; enforce=$3; allowed=\${4:--}; why=\${5:-pull-request}
  if [ "$LOCAL_GITHUB_PUSHER_ADMIN" = 1 ] && [ "$enforce" = 0 ]; then continue; fi
  if [ "$new" = "$zero" ]; then op=delete
  elif [ "$old" != "$zero" ] && ! git merge-base --is-ancestor "$old" "$new" 2>/dev/null; then op=force
  else op=update; fi
  case ",$allowed," in *",$LOCAL_GITHUB_PUSHER,"*) [ "$op" = update ] && continue ;; esac
  case ",$ops," in
    *",$op,"*)
      echo "error: GH006: Protected branch update failed for $ref." >&2
      case $op in
        update)
          if [ "$why" = restricted ]; then echo "error: You're not authorized to push to this branch." >&2
          else echo "error: Changes must be made through a pull request." >&2; fi ;;
        force) echo "error: Cannot force-push to this branch" >&2 ;;
        delete) echo "error: Cannot delete this branch" >&2 ;;
      esac
      refused=1 ;;
  esac
done <<INPUT
$input
INPUT
exit $refused
`;
