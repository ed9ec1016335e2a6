" Vim syntax file
" Language:    Outlay (exact pricing of compute contracts)
" Filenames:   *.outlay
" Install:     copy (or symlink) editors/vim/syntax/outlay.vim to
"              ~/.vim/syntax/ and editors/vim/ftdetect/outlay.vim to
"              ~/.vim/ftdetect/ (Neovim: ~/.config/nvim/...).
"
" Contract clause words (rate, commit, discount, ...), tier words (first,
" next, above, at, ...) and `use` are keywords only inside their blocks, as in
" the language; elsewhere they are ordinary names.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_

" ---- comments and strings ----
syn keyword outlayTodo        TODO FIXME XXX NOTE contained
syn match   outlayComment     "#.*$" contains=outlayTodo,@Spell
syn match   outlayEscape      +\\[\\"nt]+ contained
syn match   outlayBadEscape   +\\[^\\"nt]+ contained
syn region  outlayString      start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=outlayEscape,outlayBadEscape

" ---- literals ----
syn match   outlayNumber      "\<\d[0-9_]*\%(\.\d[0-9_]*\)\=\%([eE][+-]\=\d\+\)\=%\="
" a date after numbers (the later item wins), so 2026-12-01 is one date
syn match   outlayDate        "\<\d\{4}-\d\d-\d\d\>"
syn keyword outlayScale       thousand million billion trillion
syn keyword outlayBoolean     true false

" ---- statements and operators ----
syn keyword outlayInclude     import
syn keyword outlayStatement   show assert
syn keyword outlayDeclare     fn unit dimension prefix prefixed nextgroup=outlayDefName skipwhite
syn keyword outlayStructure   contract workload scenario nextgroup=outlayBlockName skipwhite
syn keyword outlayStatement   extends compare sweep over
syn keyword outlayConditional if then else
syn keyword outlayOperator    and or not in per
syn match   outlayOperator    "==\|!=\|<=\|>=\|[-+*/^<>]"
syn match   outlayDefName     "\h\w*" contained
syn match   outlayBlockName   "\h\w*" contained

" ---- names with a meaning ----
" a bare rounding-mode word is a mode only as round()'s third argument
" (and in a contract's round clause, below); elsewhere it is a name
syn match   outlayConstant    "\%(\<round\s*([^()]*,[^()]*,\s*\)\@<=\<\%(half_even\|half_up\|half_down\|up\|down\|ceiling\|floor\)\>"
syn keyword outlaySpecial     period
" the units of the prelude, with the prefixes they allow and plurals
syn match   outlayUnit        "\<\%(k\|M\|G\|T\|P\|E\|m\|u\|n\|Ki\|Mi\|Gi\|Ti\|Pi\|Ei\)\=\%(s\|bit\|byte\|B\|FLOP\|token\|param\|J\|W\|Wh\)s\=\>"
syn match   outlayUnit        "\<\%(min\|minute\|second\|hour\|h\|day\|week\|month\|year\|gpu\|chip\|USD\|EUR\|GBP\|CNY\|JPY\|percent\)s\=\>"
" builtin functions where they are called (after the units: min( is the function)
" (round is also a contract clause)
syn match   outlayBuiltin     "\<\%(round\|floor\|ceil\|abs\|min\|max\|sum\|len\|range\|add_months\)\ze\s*("
syn match   outlayBuiltin     "\<\%(days_in_month\|year_of\|month_of\|sqrt\|ln\|exp\|price\)\ze\s*("

" ---- a definition: NAME = at the start of a line ----
syn match   outlayDefinition  "^\s*\zs\h\w*\ze\s*=[^=]"

syn cluster outlayExpr contains=outlayComment,outlayString,outlayDate,outlayNumber,outlayScale,outlayBoolean,outlayConditional,outlayOperator,outlayBuiltin,outlayConstant,outlaySpecial,outlayUnit,outlayParen,outlayRecord

" parentheses and brackets: block words are names inside them
syn region  outlayParen       matchgroup=outlayDelimiter start="(" end=")" contains=@outlayExpr transparent
syn region  outlayParen       matchgroup=outlayDelimiter start="\[" end="]" contains=@outlayExpr transparent
" a record inside an expression (top-level records are plain braces below)
syn region  outlayRecord      matchgroup=outlayDelimiter start="{" end="}" contained contains=@outlayExpr,outlayField transparent
syn match   outlayField       "\%(\%(^\|[{,]\)\s*\)\@<=\h\w*\ze\s*=[^=]" contained

" top-level braces (records, compare and sweep lists)
syn region  outlayTopBrace    matchgroup=outlayDelimiter start="{" end="}" contains=@outlayExpr,outlayField transparent

" ---- contract blocks (defined after the plain braces, so they win) ----
syn region  outlayContract    matchgroup=outlayDelimiter start="\%(\<contract\s\+\h\w*\s*\)\@<={" end="}" contains=@outlayExpr,outlayClause,outlayClauseWord,outlayRoundMode,outlayTiers,outlayField fold
syn match   outlayClause      "\%(\%(^\|[{,]\)\s*\)\@<=\%(commit\|fee\|discount\|escalate\|credit\|round\|plan\|trued\|escalating\)\>" contained
syn match   outlayClause      "\%(\%(^\|[{,]\)\s*\)\@<=\%(rate\|reserve\)\>" contained nextgroup=outlayDefName skipwhite
syn keyword outlayClauseWord  overage on spend above yearly when pool lines invoice none to from until contained
syn keyword outlayClauseWord  cumulative of reserved cap contained
syn match   outlayRoundMode   "\%(\<round\s\+\%(invoice\|lines\)\s\+to\s.*\)\@<=\<\%(half_even\|half_up\|half_down\|up\|down\|ceiling\|floor\)\>" contained
syn keyword outlayTierMode    graduated volume contained
syn region  outlayTiers       matchgroup=outlayTierMode start="\<\%(graduated\|volume\)\%(\s\+cumulative\)\=\s*{" end="}" contained contains=@outlayExpr,outlayTierHead,outlayTierWord fold
syn match   outlayTierHead    "\%(\%(^\|[{,]\)\s*\)\@<=\%(first\|next\|up\|below\|above\)\>" contained
syn keyword outlayTierWord    to at contained

" ---- workload blocks ----
syn region  outlayWorkload    matchgroup=outlayDelimiter start="\%(\<workload\s\+\h\w*\s*\)\@<={" end="}" contains=@outlayExpr,outlayUse,outlayField fold
syn match   outlayUse         "\%(\%(^\|[{,]\)\s*\)\@<=\<use\>" contained nextgroup=outlayDefName skipwhite

" ---- scenario blocks ----
syn region  outlayScenario    matchgroup=outlayDelimiter start="\%(\<scenario\s\+\h\w*\%(\s\+extends\s\+\h\w*\)\=\s*\)\@<={" end="}" contains=@outlayExpr,outlayField fold

syn sync fromstart

hi def link outlayTodo        Todo
hi def link outlayComment     Comment
hi def link outlayString      String
hi def link outlayEscape      SpecialChar
hi def link outlayBadEscape   Error
hi def link outlayDate        Constant
hi def link outlayNumber      Number
hi def link outlayScale       Number
hi def link outlayBoolean     Boolean
hi def link outlayInclude     Include
hi def link outlayStatement   Statement
hi def link outlayDeclare     Keyword
hi def link outlayStructure   Structure
hi def link outlayConditional Conditional
hi def link outlayOperator    Operator
hi def link outlayDefName     Function
hi def link outlayBlockName   Function
hi def link outlayBuiltin     Function
hi def link outlayConstant    Constant
hi def link outlayRoundMode   Constant
hi def link outlaySpecial     Special
hi def link outlayUnit        Type
hi def link outlayDefinition  Identifier
hi def link outlayField       Identifier
hi def link outlayDelimiter   Delimiter
hi def link outlayClause      Keyword
hi def link outlayClauseWord  Keyword
hi def link outlayTierMode    Keyword
hi def link outlayTierHead    Keyword
hi def link outlayTierWord    Keyword
hi def link outlayUse         Keyword

let b:current_syntax = "outlay"

let &cpo = s:cpo_save
unlet s:cpo_save
