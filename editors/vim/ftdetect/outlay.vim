" Outlay contract and scenario files
autocmd BufRead,BufNewFile *.outlay setfiletype outlay
