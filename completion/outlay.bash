# bash completion for outlay(1)
#
# Install: source this file from ~/.bashrc, or copy it to
# $(pkg-config --variable=completionsdir bash-completion)/outlay.
#
# Completes the commands (run eval check diff explain repl price audit), the options, the
# values of --format, file names (*.outlay first; *.json for --compare-to),
# --scenario with the scenarios declared in the program file on the command
# line, --set and explain's NAME with the names it defines.

# The program file named on the command line (the first non-option word after
# an optional command), or nothing.
_outlay_program_file()
{
    local i w skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((skip)); then skip=0; continue; fi
        case $w in
            run|check|repl|diff|explain|price|audit) [[ $i -eq 1 ]] && continue ;;
            eval) return 1 ;;
            --set|--scenario|--format|--out|--svg|--compare-to|--tolerance|--usage|--contract|--currency|--fx) skip=1; continue ;;
            =) continue ;;
            -*) continue ;;
        esac
        # a value split off by COMP_WORDBREAKS (--format = json)
        [[ $i -ge 2 && ${COMP_WORDS[i-1]} == "=" ]] && continue
        if [[ -f $w ]]; then
            printf '%s\n' "$w"
            return 0
        fi
    done
    return 1
}

# Scenario names declared in FILE: lines "scenario NAME ..." (plus base).
_outlay_scenarios()
{
    printf '%s\n' base
    sed -n 's/^[[:space:]]*scenario[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' -- "$1" 2>/dev/null
}

# Top-level definitions in FILE ("NAME = ..." at the start of a line),
# and the fields of its blocks, which --set can replace too.
_outlay_definitions()
{
    sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*=[^=].*/\1/p' -- "$1" 2>/dev/null | sort -u
}

_outlay()
{
    local cur prev opt file words
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    # Normalise "--opt=value" when bash split it at '=' (COMP_WORDBREAKS).
    opt=
    if [[ $cur == "=" ]]; then
        opt=$prev
        cur=
    elif [[ $prev == "=" && $COMP_CWORD -ge 2 ]]; then
        opt=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        cur=${cur#*=}
    else
        case $prev in
            --set|--scenario|--format|--out|--svg|--compare-to|--tolerance|--usage|--contract|--currency|--fx) opt=$prev ;;
        esac
    fi

    # inside the expression of --set NAME=EXPR: nothing to offer
    case $opt in
        --*) ;;
        ?*) [[ $COMP_CWORD -ge 3 && ${COMP_WORDS[COMP_CWORD-3]} == --set ]] && return 0
            [[ $cur == "" && ${COMP_WORDS[COMP_CWORD-2]} == --set ]] && return 0
            opt= ;;
    esac

    case $opt in
        --tolerance) return 0 ;;   # an amount or a percent: nothing to offer
        --format)
            COMPREPLY=($(compgen -W 'text json csv focus' -- "$cur"))
            return 0
            ;;
        --contract) return 0 ;;   # a contract's name: nothing to offer
        --currency)
            COMPREPLY=($(compgen -W 'USD EUR GBP CNY JPY' -- "$cur"))
            return 0
            ;;
        --out|--svg|--usage|--fx)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
        --compare-to)
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
            return 0
            ;;
        --scenario)
            file=$(_outlay_program_file) &&
                COMPREPLY=($(compgen -W "$(_outlay_scenarios "$file")" -- "$cur"))
            return 0
            ;;
        --set)
            # NAME=EXPR: offer NAME= for the names the program defines
            if [[ $cur != *=* ]] && file=$(_outlay_program_file); then
                compopt -o nospace 2>/dev/null
                COMPREPLY=($(compgen -W "$(_outlay_definitions "$file")" -S = -- "$cur"))
            fi
            return 0
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--set --scenario --format --exact --chart --out --svg --compare-to --exit-code --changed-only --tolerance --usage --contract --currency --fx --skip-bad-rows --help -h --version' -- "$cur"))
        return 0
    fi

    # eval takes an expression, not a file
    [[ ${COMP_WORDS[1]} == eval ]] && return 0

    words=
    [[ $COMP_CWORD -eq 1 ]] && words=$'run\neval\ncheck\ndiff\nexplain\nrepl\nprice\naudit'
    # explain NAME FILE: once the file is there, offer its names
    if [[ ${COMP_WORDS[1]} == explain && $COMP_CWORD -ge 2 ]] && file=$(_outlay_program_file); then
        COMPREPLY=($(compgen -W "$(_outlay_definitions "$file")" -- "$cur"))
        return 0
    fi
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$words" -- "$cur")
               $(compgen -d -- "$cur")
               $(compgen -f -X '!*.outlay' -- "$cur"))
    # nothing ends in .outlay: fall back to any file
    [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
    return 0
}

complete -F _outlay outlay
