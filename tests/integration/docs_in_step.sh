# The man pages and the shell completions keep up with the code: every option
# a program's --help prints has an entry in its man page and is offered by the
# bash, zsh and fish completions, and every command `coop --help` lists (and
# every subcommand a command lists) has a man page entry and is completed.
#
# What counts:
# - man page: a tag line of a .TP or .IP entry names the option, as \-\-name
#   or --name; a mention in running text is not enough.
# - bash: completions/coop.bash, sourced in a fresh bash, offers the option
#   for `coop CMD [SUB] -<TAB>` and the command for `coop <TAB>`; and the file
#   names it.
# - zsh: an _arguments spec for the option (--name followed by [ = + - } or a
#   quote; exclusion lists like (--name) do not count), and NAME:description
#   for a command.
# - fish: `-l name` (`-s x`) and `-a ... NAME ...` for a command; when fish is
#   installed, also `complete -C 'coop CMD [SUB] -'` must offer it.
#
# Needs no agent: it only runs --help. Does not source lib.sh.
set -euo pipefail

: "${COOP_BIN:?COOP_BIN must point at the folder holding coop and coopd (ctest sets it)}"
: "${COOP_SOURCE:?COOP_SOURCE must point at the source tree (ctest sets it)}"

man_dir=$COOP_SOURCE/man
completion_dir=$COOP_SOURCE/completions
completions=(coop.bash _coop coop.fish)
scratch=$(mktemp -d "/tmp/coop-docs_in_step.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

missing=0
options_checked=0
commands_checked=0

report() {  # report PROGRAM WHAT FILE [HOW]
  printf 'docs_in_step: %s: %s is missing from %s%s\n' "$1" "$2" "${3#"$COOP_SOURCE"/}" "${4:+ ($4)}"
  missing=$((missing + 1))
}

# ERE-escape a name (names are letters, digits and hyphens; stay safe).
ere() { printf '%s' "$1" | sed 's/[].[^$*+?(){}|\\]/\\&/g'; }

# ---- man pages -------------------------------------------------------------

# The tag lines of a man page: the line after each .TP, and each .IP line.
man_tags() {
  awk '/^\.TP/ { tag = 1; next } tag { print; tag = 0; next } /^\.IP/ { print }' "$1"
}

# man_has FILE OPTION: OPTION (--name or -x) is the tag of an entry in FILE.
man_has() {
  local plain roff
  plain=$(ere "$2")
  roff=$(ere "$2" | sed 's/-/\\\\-/g')
  # Not after - (so -o does not match --output) and not followed by a
  # letter, digit, - or \- (so --list does not match --listen).
  grep -Eq -- "(^|[^-])($plain|$roff)([^[:alnum:]\\-]|\\\\[^-]|\$)" <<<"$(man_tags "$1")"
}

# man_has_word FILE WORD: a command or subcommand is the tag of an entry.
man_has_word() {
  grep -Eq -- "(^|[^[:alnum:]-])$(ere "$2")([^[:alnum:]-]|\$)" <<<"$(man_tags "$1")"
}

# ---- completion files, read ------------------------------------------------

# file_has FILE OPTION: the completion FILE names OPTION (--name or -x).
file_has() {
  local file=$1 option=$2 pattern name
  name=$(ere "${option#"${option%%[!-]*}"}")  # without its leading dashes
  case $file in
    *.fish)
      if [[ $option == --* ]]; then
        pattern="(-l|--long-option)[ =]['\"]?$name([^[:alnum:]-]|\$)"
      else
        pattern="(-s|--short-option)[ =]['\"]?$name([^[:alnum:]-]|\$)"
      fi
      ;;
    */_*)
      pattern="(^|[^[:alnum:]-])$(ere "$option")([=+}'\"[]|-[^[:alnum:]]|-\$|\$)"
      ;;
    *)
      pattern="(^|[^[:alnum:]-])$(ere "$option")([^[:alnum:]-]|\$)"
      ;;
  esac
  grep -Eq -- "$pattern" "$file"
}

# file_has_word FILE WORD: the completion FILE offers the command WORD.
file_has_word() {
  local file=$1 word
  word=$(ere "$2")
  case $file in
    *.fish) grep -Eq -- "(-a|--arguments)[ =]['\"]?([^'\"]*[ ])?$word([ '\"]|\$)" "$file" ;;
    */_*) grep -Eq -- "['\"]$word:" "$file" ;;
    *) grep -Eq -- "(^|[^[:alnum:]_-])$word([^[:alnum:]_-]|\$)" "$file" ;;
  esac
}

# ---- completion files, run -------------------------------------------------

# bash_offers WORD...: what completions/coop.bash offers for the last WORD
# of the command line WORD..., one a line.
bash_offers() {
  bash --norc --noprofile -c '
    completion=$1; shift
    if [ -r /usr/share/bash-completion/bash_completion ]; then
      . /usr/share/bash-completion/bash_completion >/dev/null 2>&1 || true
    fi
    . "$completion" || exit 1
    spec=$(complete -p "$1" 2>/dev/null) || exit 1
    function=$(printf "%s\n" "$spec" | sed -nE "s/.* -F ([^ ]+) .*/\1/p")
    [ -n "$function" ] || exit 1
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || true
    printf "%s\n" "${COMPREPLY[@]}"
  ' bash "$completion_dir/coop.bash" "$@" 2>/dev/null || true
}

# fish_offers LINE: what completions/coop.fish offers for LINE, one a line
# (nothing if fish is not installed).
have_fish=false
command -v fish >/dev/null 2>&1 && have_fish=true
fish_offers() {
  $have_fish || return 0
  HOME=$scratch XDG_CONFIG_HOME=$scratch XDG_DATA_HOME=$scratch \
    fish --no-config -c 'source $argv[1]; or exit 1; complete -C $argv[2]' "$completion_dir/coop.fish" "$1" 2>/dev/null |
    cut -f1 || true
}

# offers LIST WORD: WORD is a line of LIST.
offers() { grep -qxF -- "$2" <<<"$1"; }

# ---- what the programs say ---------------------------------------------------

# options HELP_TEXT: the options in the option column of a CLI11 --help, one
# a line: long ones as --name, short ones as -x. --help, -h and --version are
# CLI11's own and left out.
options() {
  printf '%s\n' "$1" |
    sed -nE 's/^ +((-[[:alnum:]]),)?(--[[:alnum:]][[:alnum:]-]*).*/\2 \3/p' |
    tr ' ' '\n' | grep -v '^$' | grep -vxE -- '--help|-h|--version' | sort -u || true
}

# subcommands HELP_TEXT: the names listed under "Subcommands:".
subcommands() {
  printf '%s\n' "$1" | awk '/^Subcommands:/ { in_list = 1; next } in_list && /^[^ ]/ { in_list = 0 }
    in_list && /^  [a-z]/ { print $1 }'
}

# ---- the checks ----------------------------------------------------------------

# check_options LABEL MAN_PAGE COMMAND_LINE PROGRAM [SUBCOMMAND]: the options
# of `PROGRAM [SUBCOMMAND] --help` are in MAN_PAGE and every completion file.
# COMMAND_LINE is how a user types the command ("coop agent start", "coopd").
check_options() {
  local label=$1 page=$2 line=$3 program=$4 help option file bash_list fish_list
  shift 4
  if ! help=$("$COOP_BIN/$program" "$@" --help 2>&1); then
    report "$label" "a working --help" "$COOP_BIN/$program"
    return 0
  fi
  # shellcheck disable=SC2086  # the command line splits into words
  bash_list=$(bash_offers $line -)
  fish_list=$(fish_offers "$line -")
  for option in $(options "$help"); do
    options_checked=$((options_checked + 1))
    [ ! -f "$page" ] || man_has "$page" "$option" || report "$label" "$option" "$page"
    for file in "${completions[@]}"; do
      [ -f "$completion_dir/$file" ] || continue
      file_has "$completion_dir/$file" "$option" || report "$label" "$option" "$completion_dir/$file"
    done
    if [ -f "$completion_dir/coop.bash" ]; then
      offers "$bash_list" "$option" || report "$label" "$option" "$completion_dir/coop.bash" "not offered for: $line -<TAB>"
    fi
    if $have_fish && [ -f "$completion_dir/coop.fish" ]; then
      offers "$fish_list" "$option" || report "$label" "$option" "$completion_dir/coop.fish" "not offered for: $line -<TAB>"
    fi
  done
}

# check_command LABEL NAME MAN_PAGE COMMAND_LINE: the command or subcommand
# NAME has an entry in MAN_PAGE and is completed after COMMAND_LINE.
check_command() {
  local label=$1 name=$2 page=$3 line=$4 file
  commands_checked=$((commands_checked + 1))
  [ ! -f "$page" ] || man_has_word "$page" "$name" || report "$label" "the command $name" "$page"
  for file in "${completions[@]}"; do
    [ -f "$completion_dir/$file" ] || continue
    file_has_word "$completion_dir/$file" "$name" || report "$label" "the command $name" "$completion_dir/$file"
  done
  if [ -f "$completion_dir/coop.bash" ]; then
    # shellcheck disable=SC2086
    offers "$(bash_offers $line "")" "$name" ||
      report "$label" "the command $name" "$completion_dir/coop.bash" "not offered for: $line <TAB>"
  fi
  if $have_fish && [ -f "$completion_dir/coop.fish" ]; then
    offers "$(fish_offers "$line ")" "$name" ||
      report "$label" "the command $name" "$completion_dir/coop.fish" "not offered for: $line <TAB>"
  fi
}

for file in "${completions[@]}"; do
  [ -f "$completion_dir/$file" ] || report coop "the completion file" "$completion_dir/$file"
done
for page in coop.1 coop.7 coopd.8; do
  [ -f "$man_dir/$page" ] || report coop "the man page" "$man_dir/$page"
done

# Every command coop --help lists, its subcommands, and their options.
coop_help=$("$COOP_BIN/coop" --help)
commands=$(printf '%s\n' "$coop_help" | awk '/^commands:/ { in_list = 1; next } in_list && /^$/ { exit }
  in_list && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] || report coop "a command list in coop --help" "$COOP_BIN/coop"
for name in $commands; do
  page=$man_dir/coop-$name.1
  [ -f "$page" ] || report "coop $name" "the man page" "$page"
  check_command coop "$name" "$man_dir/coop.1" "coop"

  program=coop-$name
  if [ ! -x "$COOP_BIN/$program" ]; then
    report "coop $name" "the program" "$COOP_BIN/$program"
    continue
  fi
  help=$("$COOP_BIN/$program" --help 2>&1) || true
  check_options "coop $name" "$page" "coop $name" "$program"
  for sub in $(subcommands "$help"); do
    check_command "coop $name" "$sub" "$page" "coop $name"
    check_options "coop $name $sub" "$page" "coop $name $sub" "$program" "$sub"
  done
done

# The agent.
check_options coopd "$man_dir/coopd.8" coopd coopd

if [ "$missing" -gt 0 ]; then
  echo "docs_in_step: $missing missing; document each in its man page and add it to completions/ (bash, zsh, fish)"
  exit 1
fi
[ "$options_checked" -gt 0 ] || { echo "docs_in_step: no options found in any --help"; exit 1; }
$have_fish || echo "docs_in_step: fish is not installed: coop.fish was read, not run"
echo "docs_in_step: $options_checked options checked in $commands_checked commands and subcommands"
