/* pq_dl: libpq, the PostgreSQL client library, loaded when a database usage source is
 * first used (dlopen) instead of linked, so that every other run of outlay does not pay
 * for loading it and what it brings (OpenSSL, Kerberos, LDAP): `outlay eval` starts as
 * fast as bc. usage_pg.c uses libpq's names as usual; here they stand for what dlsym
 * found. */
#ifndef OUTLAY_PQ_DL_H
#define OUTLAY_PQ_DL_H
#include "config.h"
#include "dl.h"
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>

/* 1 when libpq is loaded and has every name below. */
int pq_dl_open(void);

#define PQ_DL_NAMES(X, p) \
    X(p, PQclear) X(p, PQfreemem) X(p, PQerrorMessage) X(p, PQconninfoParse) X(p, PQconninfoFree) \
    X(p, PQgetvalue) X(p, PQstatus) X(p, PQresultStatus) X(p, PQresultErrorField) X(p, PQtransactionStatus) \
    X(p, PQsocket) X(p, PQsetSingleRowMode) X(p, PQsetNoticeProcessor) X(p, PQsendQueryParams) \
    X(p, PQresultErrorMessage) X(p, PQparameterStatus) X(p, PQntuples) X(p, PQnfields) X(p, PQisBusy) \
    X(p, PQgetlength) X(p, PQgetisnull) X(p, PQgetResult) X(p, PQgetCancel) X(p, PQftype) X(p, PQfreeCancel) \
    X(p, PQfname) X(p, PQfinish) X(p, PQconsumeInput) X(p, PQconnectStartParams) X(p, PQconnectPoll) \
    X(p, PQcancel)
DL_DECLARE(pq_dl, PQ_DL_NAMES)

#ifndef PQ_DL_IMPLEMENTATION
#define PQclear (*pq_dl_PQclear)
#define PQfreemem (*pq_dl_PQfreemem)
#define PQerrorMessage (*pq_dl_PQerrorMessage)
#define PQconninfoParse (*pq_dl_PQconninfoParse)
#define PQconninfoFree (*pq_dl_PQconninfoFree)
#define PQgetvalue (*pq_dl_PQgetvalue)
#define PQstatus (*pq_dl_PQstatus)
#define PQresultStatus (*pq_dl_PQresultStatus)
#define PQresultErrorField (*pq_dl_PQresultErrorField)
#define PQtransactionStatus (*pq_dl_PQtransactionStatus)
#define PQsocket (*pq_dl_PQsocket)
#define PQsetSingleRowMode (*pq_dl_PQsetSingleRowMode)
#define PQsetNoticeProcessor (*pq_dl_PQsetNoticeProcessor)
#define PQsendQueryParams (*pq_dl_PQsendQueryParams)
#define PQresultErrorMessage (*pq_dl_PQresultErrorMessage)
#define PQparameterStatus (*pq_dl_PQparameterStatus)
#define PQntuples (*pq_dl_PQntuples)
#define PQnfields (*pq_dl_PQnfields)
#define PQisBusy (*pq_dl_PQisBusy)
#define PQgetlength (*pq_dl_PQgetlength)
#define PQgetisnull (*pq_dl_PQgetisnull)
#define PQgetResult (*pq_dl_PQgetResult)
#define PQgetCancel (*pq_dl_PQgetCancel)
#define PQftype (*pq_dl_PQftype)
#define PQfreeCancel (*pq_dl_PQfreeCancel)
#define PQfname (*pq_dl_PQfname)
#define PQfinish (*pq_dl_PQfinish)
#define PQconsumeInput (*pq_dl_PQconsumeInput)
#define PQconnectStartParams (*pq_dl_PQconnectStartParams)
#define PQconnectPoll (*pq_dl_PQconnectPoll)
#define PQcancel (*pq_dl_PQcancel)
#endif
#endif
#endif
